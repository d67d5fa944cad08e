package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dari.transport.FakeSignalServer.SendReply;
import org.dari.transport.SendException.Kind;
import org.dari.transport.SignalConfig.ReceiveMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalTransportSendTest {
    static final String UUID_A = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    static final String NUMBER_A = "+4915112345678";

    private FakeSignalServer fake;
    private SignalTransport transport;

    @BeforeEach
    void setUp() {
        fake = FakeSignalServer.normal();
        transport = new SignalTransport(SignalTransportReceiveTest.config(fake, ReceiveMode.AUTO));
    }

    @AfterEach
    void tearDown() {
        transport.close();
        fake.close();
    }

    @Test
    void sendPostsTheContractBody() throws Exception {
        transport.send(new OutboundMessage(UUID_A, "안녕하세요. 무엇을 도와드릴까요?"));

        JsonNode body = fake.sends().get(0);
        JsonNode expected = new ObjectMapper().readTree("{\"number\":\"" + FakeSignalServer.BOT_NUMBER + "\",\"recipients\":[\""
                + UUID_A + "\"],\"message\":\"안녕하세요. 무엇을 도와드릴까요?\",\"text_mode\":\"normal\"}");
        assertEquals(expected, body);
        assertEquals("application/json; charset=utf-8", fake.requests().get(0).getHeader("Content-Type"));
    }

    @Test
    void bothSuccessShapesAreAccepted() {
        fake.replyToNextSend(SendReply.legacy());
        fake.replyToNextSend(SendReply.arrayShape());
        fake.replyToNextSend(new SendReply(200, "{\"timestamp\":1755379200123}"));

        assertDoesNotThrow(() -> transport.send(new OutboundMessage(UUID_A, "one")));
        assertDoesNotThrow(() -> transport.send(new OutboundMessage(UUID_A, "two")));
        assertDoesNotThrow(() -> transport.send(new OutboundMessage(NUMBER_A, "three")));
        assertEquals(3, fake.sends().size());
        assertEquals(0, transport.stats().unparsedSendResponses());
    }

    static Stream<Arguments> recipientErrors() {
        return Stream.of(
                Arguments.of("IDENTITY_FAILURE", Kind.UNTRUSTED_IDENTITY),
                Arguments.of("UNREGISTERED_FAILURE", Kind.UNREGISTERED),
                Arguments.of("RATE_LIMIT_FAILURE", Kind.RETRY_LATER),
                Arguments.of("PROOF_REQUIRED_FAILURE", Kind.RETRY_LATER),
                Arguments.of("NETWORK_FAILURE", Kind.UNCERTAIN));
    }

    @ParameterizedTest
    @MethodSource("recipientErrors")
    void recipientErrorsInTheArrayShapeAreFailures(String reason, Kind kind) {
        fake.replyToNextSend(SendReply.recipientError(reason, NUMBER_A, UUID_A));

        SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertEquals(kind, e.kind());
    }

    static Stream<Arguments> errorAnswers() {
        return Stream.of(
                Arguments.of(SendReply.rateLimited(), Kind.RETRY_LATER),
                Arguments.of(SendReply.captcha(NUMBER_A), Kind.RETRY_LATER),
                Arguments.of(SendReply.error(400, "Failed to send message: [413] Rate limit exceeded: 413"), Kind.RETRY_LATER),
                Arguments.of(SendReply.error(400, "Rate limit exceeded"), Kind.RETRY_LATER),
                Arguments.of(SendReply.error(400, "Failed to send message due to untrusted identities"), Kind.UNTRUSTED_IDENTITY),
                Arguments.of(SendReply.error(400, "Invalid recipient"), Kind.REJECTED),
                Arguments.of(new SendReply(400, "not even json"), Kind.REJECTED),
                Arguments.of(SendReply.error(404, "not found"), Kind.REJECTED),
                Arguments.of(SendReply.error(500, "signal-cli crashed"), Kind.RETRY_LATER),
                Arguments.of(SendReply.error(502, "bad gateway"), Kind.RETRY_LATER),
                Arguments.of(SendReply.error(503, "unavailable"), Kind.RETRY_LATER));
    }

    @ParameterizedTest
    @MethodSource("errorAnswers")
    void errorAnswersAreClassified(SendReply reply, Kind kind) {
        fake.replyToNextSend(reply);

        SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertEquals(kind, e.kind());
    }

    @Test
    void serverDownMeansRetryLater() {
        fake.stop();

        SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertEquals(Kind.RETRY_LATER, e.kind());
        assertTrue(e.retryable());
    }

    @Test
    void aReadTimeoutAfterTheRequestWentOutIsUncertainNotRetryLater() {
        SignalConfig quick = SignalTransportReceiveTest.config(fake, ReceiveMode.AUTO);
        quick = new SignalConfig(quick.baseUrl(), quick.account(), quick.receiveMode(), quick.pollTimeoutSeconds(),
                quick.minBackoff(), quick.maxBackoff(), quick.connectTimeout(), java.time.Duration.ofMillis(300));
        fake.replyToNextSend(SendReply.noAnswer());
        try (SignalTransport impatient = new SignalTransport(quick)) {
            SendException e = assertThrows(SendException.class, () -> impatient.send(new OutboundMessage(UUID_A, "hi")));
            assertEquals(Kind.UNCERTAIN, e.kind(), "the server had the request: it may have sent it");
            assertEquals(1, fake.sends().size());
        }
    }

    @Test
    void aSendIsNeverRepeatedByTheHttpClientAfterTheConnectionBroke() throws Exception {
        // OkHttp silently retries a request whose pooled (already used) connection breaks; for a send
        // that could reach the person twice.
        transport.send(new OutboundMessage(UUID_A, "first, pools the connection"));
        fake.replyToNextSend(SendReply.disconnectAfterRequest());

        SendException e = assertThrows(SendException.class, () -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertEquals(Kind.UNCERTAIN, e.kind(), "the request was written: it may have been sent");
        assertFalse(e.retryable());
        assertEquals(2, fake.sends().size(), "the second request reached the server once and was not silently resent");
        assertEquals(1, fake.requests().stream().map(r -> r.getSequenceNumber()).filter(n -> n > 0).count(),
                "second request went over the pooled connection");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ok", "", "{}", "[]", "[1]", "{\"timestamp\":{\"nested\":true}}", "{\"timestamp\":\"17"})
    void unreadable2xxAnswersCountAsSentAndAreCounted(String body) {
        fake.replyToNextSend(new SendReply(201, body));

        assertDoesNotThrow(() -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertEquals(1, transport.stats().unparsedSendResponses());
    }

    @Test
    void setDisappearingTimerPutsTheContact() throws Exception {
        transport.setDisappearingTimer(UUID_A, 86_400);

        assertEquals(List.of(FakeSignalServer.BOT_NUMBER), fake.contactAccounts());
        JsonNode body = fake.contactUpdates().get(0);
        assertEquals(UUID_A, body.get("recipient").asText());
        assertEquals(86_400, body.get("expiration_in_seconds").asInt());
        assertEquals("PUT", fake.requests().get(0).getMethod());
    }

    @Test
    void setDisappearingTimerFailuresAreClassified() {
        fake.stop();
        assertEquals(Kind.RETRY_LATER,
                assertThrows(SendException.class, () -> transport.setDisappearingTimer(UUID_A, 60)).kind());
        assertThrows(IllegalArgumentException.class, () -> transport.setDisappearingTimer(UUID_A, -1));
    }

    @Test
    void identitiesAreRead() throws Exception {
        fake.setIdentities("[{\"number\":\"" + NUMBER_A + "\",\"uuid\":\"" + UUID_A + "\",\"status\":\"UNTRUSTED\","
                + "\"fingerprint\":\"05 1a 2b\",\"safety_number\":\"123451234512345\",\"added\":\"2025-08-16T12:00:00Z\"},"
                + "{\"number\":\"\",\"uuid\":\"" + UUID_A + "\",\"status\":\"TRUSTED_VERIFIED\",\"fingerprint\":\"05 3c\","
                + "\"safety_number\":\"999\",\"added\":\"x\",\"extra\":1}, 42]");

        List<Identity> identities = transport.identities();

        assertEquals(2, identities.size());
        assertEquals(new Identity(NUMBER_A, UUID_A, Identity.Status.UNTRUSTED, "05 1a 2b", "123451234512345",
                "2025-08-16T12:00:00Z"), identities.get(0));
        assertEquals(Identity.Status.TRUSTED_VERIFIED, identities.get(1).status());
        assertFalse(identities.get(0).toString().contains(UUID_A));
    }

    @Test
    void unreadableIdentitiesAreAFailure() {
        fake.setIdentities("{\"error\":\"oops\"}");
        assertEquals(Kind.RETRY_LATER, assertThrows(SendException.class, () -> transport.identities()).kind());
    }

    @Test
    void trustVerifiedPutsTheSafetyNumber() throws Exception {
        transport.trustVerified(NUMBER_A, "12345 67890 12345");

        FakeSignalServer.TrustRequest request = fake.trustRequests().get(0);
        assertEquals(FakeSignalServer.BOT_NUMBER, request.account());
        assertEquals(NUMBER_A, request.numberToTrust());
        assertEquals("12345 67890 12345", request.body().get("verified_safety_number").asText());
        assertEquals(1, request.body().size(), "exactly one of the two trust fields");
    }

    @Test
    void trustRefusesARecipientThatWouldChangeThePath() {
        for (String bad : List.of("..", "a/b", "x?y", "%2e%2e", "")) {
            Exception e = assertThrows(Exception.class, () -> transport.trustVerified(bad, "123"));
            assertTrue(e instanceof SendException || e instanceof IllegalArgumentException, e.getClass().getName());
        }
        assertTrue(fake.requests().isEmpty());
    }

    @Test
    void sendingWorksWithoutReceiving() {
        assertDoesNotThrow(() -> transport.send(new OutboundMessage(UUID_A, "hi")));
        assertTrue(fake.requests().stream().noneMatch(r -> r.getPath().startsWith("/v1/receive")));
    }
}
