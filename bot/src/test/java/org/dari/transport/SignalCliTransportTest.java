package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.dari.transport.FakeSignalCliDaemon.RpcCall;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Base64;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link SignalCliTransport} against a stand-in for signal-cli's JSON-RPC HTTP daemon. */
class SignalCliTransportTest {
    private static final String PERSON = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    private static final String NUMBER = "+4915112345678";
    private static final String OTHER = "7d1f0e2b-1111-4c1e-9a47-2d6f0b1c9e22";
    private static final long T = 1_755_379_200_000L;
    private static final String SAFETY = "12345 67890 12345 67890 12345 67890 12345 67890 12345 67890 12345 67890";

    private FakeSignalCliDaemon daemon;
    private SignalCliTransport transport;

    @BeforeEach
    void setUp() {
        daemon = FakeSignalCliDaemon.started(100);
        transport = new SignalCliTransport(config(daemon.baseUrl()));
    }

    @AfterEach
    void tearDown() {
        transport.close();
        daemon.close();
    }

    static SignalCliConfig config(String url) {
        return new SignalCliConfig(url, FakeSignalCliDaemon.BOT_NUMBER, Duration.ofMillis(50), Duration.ofMillis(400),
                Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(2));
    }

    // ---- receiving -------------------------------------------------------------------------------

    @Test
    void anOversizedEventIsDroppedAndReceivingGoesOn() {
        RecordingSink sink = new RecordingSink();
        daemon.push(Envelopes.text(OTHER, NUMBER, T, "x".repeat(InboundPipeline.MAX_EVENT_CHARS + 1)));
        daemon.push(Envelopes.text(PERSON, NUMBER, T + 1, "hello"));
        transport.start(sink);

        List<InboundMessage> got = sink.await(1, Await.DEFAULT);
        assertEquals(PERSON, got.get(0).sender(), "the oversized event was dropped, the next one came through");
        Await.quietPeriod(Duration.ofMillis(200));
        assertEquals(1, sink.messages().size());
        assertEquals(1, transport.stats().malformed(), "the dropped event is counted");
    }

    @Test
    void receivesMessagesInOrderSkippingKeepAlivesGroupsAndExceptionOnlyEvents() {
        RecordingSink sink = new RecordingSink();
        daemon.push(Envelopes.text(PERSON, NUMBER, T, "중국이 강제북송하는건 국제법 위반 아님까"));
        daemon.pushRaw(":\n:\n");
        daemon.push(Envelopes.group(OTHER, "+4915112340000", T + 1, "in a group"));
        daemon.push("{\"exception\":{\"message\":\"decryption failed\",\"type\":\"ProtocolInvalidMessageException\"},\"account\":\""
                + FakeSignalCliDaemon.BOT_NUMBER + "\"}");
        daemon.pushRaw("event:other\ndata:{}\n\n");
        daemon.push(Envelopes.text(PERSON, NUMBER, T, "중국이 강제북송하는건 국제법 위반 아님까"));
        daemon.push(Envelopes.hiddenNumber(OTHER, T + 2, "can china send me back?"));
        transport.start(sink);

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(PERSON, got.get(0).sender());
        assertEquals("중국이 강제북송하는건 국제법 위반 아님까", got.get(0).text());
        assertEquals(T, got.get(0).timestamp());
        assertEquals(OTHER, got.get(1).sender());
        Await.until(() -> daemon.keepAlivesSent() >= 2, "the stand-in kept the stream alive");
        Await.quietPeriod(Duration.ofMillis(200));
        SignalStats stats = transport.stats();
        assertEquals(2, sink.messages().size(), "the group message, the exception and the repeat are not delivered");
        assertEquals(1, stats.ignored(IgnoredKind.GROUP));
        assertEquals(1, stats.exceptions(), "the exception-only event was seen");
        assertEquals(2, stats.malformed(), "the exception without envelope and the unknown event name");
        assertEquals(1, stats.duplicates());
        assertEquals(1, daemon.eventStreamsOpened(), "keep-alive comments did not break the stream");
    }

    @Test
    void reopensTheStreamWhenTheDaemonDropsItAndGetsWhatWaitedMeanwhile() {
        RecordingSink sink = new RecordingSink();
        transport.start(sink);
        Await.until(() -> daemon.openEventStreams() == 1, "the stream opened");
        daemon.push(Envelopes.text(PERSON, NUMBER, T, "first"));
        sink.await(1, Await.DEFAULT);

        daemon.dropEventStreams();
        daemon.push(Envelopes.text(PERSON, NUMBER, T + 1, "second"));
        daemon.dropEventStreams();
        daemon.push(Envelopes.text(PERSON, NUMBER, T + 2, "third"));

        List<InboundMessage> got = sink.await(3, Await.DEFAULT);
        assertEquals(List.of("first", "second", "third"), got.stream().map(InboundMessage::text).toList());
        assertTrue(daemon.eventStreamsOpened() >= 2, "the transport came back");
        assertTrue(transport.stats().reconnects() >= 1);
    }

    @Test
    void keepsTryingWhileTheDaemonIsDownAndReceivesOnceItIsUp() throws Exception {
        int port;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        try (SignalCliTransport unreachable = new SignalCliTransport(config("http://127.0.0.1:" + port))) {
            RecordingSink sink = new RecordingSink();
            unreachable.start(sink);
            Await.until(() -> unreachable.stats().reconnects() >= 3, "retried with backoff");
            assertTrue(sink.messages().isEmpty());
        }
    }

    @Test
    void aStreamSilentForLongerThanTheKeepAliveIsReopened() {
        try (FakeSignalCliDaemon silent = FakeSignalCliDaemon.started(60_000);
             SignalCliTransport t = new SignalCliTransport(new SignalCliConfig(silent.baseUrl(), FakeSignalCliDaemon.BOT_NUMBER,
                     Duration.ofMillis(50), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(2),
                     Duration.ofMillis(500)))) {
            t.start(new RecordingSink());
            Await.until(() -> silent.eventStreamsOpened() >= 2, "a dead-looking stream was given up and opened again");
        }
    }

    // ---- sending ---------------------------------------------------------------------------------

    @Test
    void sendsOneJsonRpcRequestWithTheTextAndAnAttachmentAsADataUri() throws Exception {
        byte[] file = "-----BEGIN PGP MESSAGE-----".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        transport.send(new OutboundMessage(PERSON, "답변입니다"));
        transport.send(new OutboundMessage(PERSON, "referral",
                new OutboundMessage.Attachment("R-7F3A.asc", "application/pgp-encrypted", file)));

        List<RpcCall> sends = daemon.calls("send");
        assertEquals(2, sends.size());
        JsonNode first = sends.get(0).params();
        assertEquals(PERSON, first.path("recipient").path(0).asText());
        assertEquals(1, first.path("recipient").size());
        assertEquals("답변입니다", first.path("message").asText());
        assertEquals(FakeSignalCliDaemon.BOT_NUMBER, first.path("account").asText());
        assertFalse(first.has("attachments"));
        assertEquals("data:application/pgp-encrypted;filename=R-7F3A.asc;base64," + Base64.getEncoder().encodeToString(file),
                sends.get(1).params().path("attachments").path(0).asText());
        assertTrue(daemon.rpcContentTypes().stream().allMatch(c -> c.startsWith("application/json")));
    }

    @Test
    void mapsTheDaemonsErrorsToSendFailureKinds() {
        daemon.failNext("send", FakeSignalCliDaemon.rateLimitError(PERSON));
        daemon.failNext("send", FakeSignalCliDaemon.untrustedError(PERSON));
        daemon.failNext("send", FakeSignalCliDaemon.unregisteredError(PERSON));
        daemon.failNext("send", FakeSignalCliDaemon.error(-1, "CAPTCHA proof required for sending to \"" + PERSON + "\""));
        daemon.failNext("send", FakeSignalCliDaemon.error(-1, "Unable to complete request due to untrusted recipient keys"));
        daemon.failNext("send", FakeSignalCliDaemon.error(-3, "Failed to send message: connection reset"));
        daemon.failNext("send", FakeSignalCliDaemon.error(-32602, "Invalid params"));
        List<SendException.Kind> kinds = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(PERSON, "hi")));
            kinds.add(e.kind());
        }
        assertEquals(List.of(SendException.Kind.RETRY_LATER, SendException.Kind.UNTRUSTED_IDENTITY, SendException.Kind.UNREGISTERED,
                SendException.Kind.RETRY_LATER, SendException.Kind.UNTRUSTED_IDENTITY,
                // an I/O error inside signal-cli while sending: it may have reached Signal
                SendException.Kind.UNCERTAIN,
                SendException.Kind.REJECTED), kinds);
    }

    @Test
    void aDaemonThatIsGoneMeansRetryLater() {
        daemon.close();
        SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(PERSON, "hi")));
        assertEquals(SendException.Kind.RETRY_LATER, e.kind());
        SendException forget = assertThrows(SendException.class, () -> transport.forget(PERSON));
        assertEquals(SendException.Kind.RETRY_LATER, forget.kind());
    }

    @Test
    void theDaemonRefusesAnyContentTypeButJsonAndTheTransportSendsJson() throws Exception {
        OkHttpClient client = new OkHttpClient();
        String request = "{\"jsonrpc\":\"2.0\",\"method\":\"send\",\"params\":{\"recipient\":[\"" + PERSON + "\"],\"message\":\"x\"},\"id\":1}";
        try (Response plain = client.newCall(new Request.Builder().url(daemon.baseUrl() + "/api/v1/rpc")
                .post(RequestBody.create(request, MediaType.get("text/plain"))).build()).execute()) {
            assertEquals(415, plain.code());
        }
        try (Response json = client.newCall(new Request.Builder().url(daemon.baseUrl() + "/api/v1/rpc")
                .post(RequestBody.create(request, MediaType.get("application/json"))).build()).execute()) {
            assertEquals(200, json.code());
        }
        transport.setDisappearingTimer(PERSON, 3600);
        transport.forget(PERSON);
        List<String> types = daemon.rpcContentTypes();
        assertEquals(4, types.size());
        assertTrue(types.subList(2, 4).stream().allMatch(t -> t.startsWith("application/json")), "the transport's calls are JSON");
        client.dispatcher().executorService().shutdown();
    }

    // ---- privacy calls ---------------------------------------------------------------------------

    @Test
    void setsTheDisappearingTimerInSeconds() throws Exception {
        transport.setDisappearingTimer(PERSON, 24 * 3600);
        RpcCall call = daemon.calls("updateContact").get(0);
        assertEquals(PERSON, call.params().path("recipient").asText());
        assertEquals(86400, call.params().path("expiration").asInt());
    }

    @Test
    void forgetAsksSignalCliToEraseThePerson() throws Exception {
        transport.forget(PERSON);
        List<RpcCall> removals = daemon.calls("removeContact");
        assertEquals(1, removals.size());
        assertEquals(PERSON, removals.get(0).params().path("recipient").asText());
        assertTrue(removals.get(0).params().path("forget").asBoolean(false), "forget: true, not only hiding the contact");
        assertFalse(removals.get(0).params().has("hide"));
    }

    @Test
    void forgetIsANoOpOnTheRestTransport() throws Exception {
        Transport rest = new SignalTransport(SignalConfig.of("http://127.0.0.1:1", FakeSignalCliDaemon.BOT_NUMBER));
        rest.forget(PERSON);
        rest.close();
    }

    @Test
    void identityMatchesOnlyTheVerifiedSafetyNumberOfThatPerson() throws Exception {
        daemon.setIdentities("[{\"number\":\"" + NUMBER + "\",\"uuid\":\"" + PERSON + "\",\"fingerprint\":\"05ab\",\"safetyNumber\":\""
                + SAFETY + "\",\"scannableSafetyNumber\":\"AAA=\",\"trustLevel\":\"TRUSTED_VERIFIED\",\"addedTimestamp\":1755379200000},"
                + "{\"number\":null,\"uuid\":\"" + OTHER + "\",\"fingerprint\":\"05cd\",\"safetyNumber\":\"99999\","
                + "\"scannableSafetyNumber\":null,\"trustLevel\":\"UNTRUSTED\",\"addedTimestamp\":1755379200001}]");
        assertTrue(transport.identityMatches(PERSON, SAFETY.replace(" ", "")));
        assertTrue(transport.identityMatches(NUMBER, SAFETY));
        assertFalse(transport.identityMatches(PERSON, SAFETY.replace('1', '2')));
        assertFalse(transport.identityMatches(OTHER, SAFETY));
        assertFalse(transport.identityMatches(PERSON, ""));
        assertEquals(PERSON, daemon.calls("listIdentities").get(0).params().path("number").asText());
        List<Identity> identities = transport.identities(PERSON);
        assertEquals(Identity.Status.TRUSTED_VERIFIED, identities.get(0).status());
    }

    @Test
    void acceptsANewIdentityWithTrustAllKnownKeys() throws Exception {
        transport.acceptNewIdentity(PERSON);
        transport.trustVerified(PERSON, SAFETY);
        List<RpcCall> trust = daemon.calls("trust");
        assertEquals(PERSON, trust.get(0).params().path("recipient").asText());
        assertTrue(trust.get(0).params().path("trustAllKnownKeys").asBoolean(false));
        assertFalse(trust.get(0).params().has("verifiedSafetyNumber"));
        assertEquals(SAFETY, trust.get(1).params().path("verifiedSafetyNumber").asText());
        assertFalse(trust.get(1).params().has("trustAllKnownKeys"));
    }
}
