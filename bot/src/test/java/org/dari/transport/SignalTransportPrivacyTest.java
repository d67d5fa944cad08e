package org.dari.transport;

import org.dari.transport.FakeSignalServer.Envelopes;
import org.dari.transport.FakeSignalServer.Mode;
import org.dari.transport.FakeSignalServer.SendReply;
import org.dari.transport.SignalConfig.ReceiveMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canary test: a person's number, UUID and words travel through every path of the
 * transport, including failures, and must not show up in any log line or exception.
 */
class SignalTransportPrivacyTest {
    static final String CANARY_NUMBER = "+821099887766";
    static final String CANARY_UUID = "c0ffee00-dead-4eef-8afe-123456789abc";
    static final String CANARY_TEXT = "카나리아 비밀 7f3a canary-secret";
    static final String CANARY_ATTACHMENT = "canaryAttachment7f3a.jpg";
    static final long TS = 1755379200123L;

    @ParameterizedTest
    @EnumSource(Mode.class)
    void noIdentifierOrTextReachesTheLogsOrExceptions(Mode mode) throws Exception {
        List<String> surfaced = new ArrayList<>();
        String logs = captureSystemStreams(() -> exercise(mode, surfaced));

        assertTrue(logs.contains("signal.send.refused") && logs.contains("signal.receive.malformed")
                && logs.contains("signal.receive.sink_failed") && logs.contains("signal.receive.delivered"),
                "the capture saw the transport's log lines");
        surfaced.add(logs);
        // a length tells which public answer or which message it was: no per-message length in any log line
        assertFalse(logs.contains("chars="), "a log line carried a message length");
        for (String canary : List.of(CANARY_NUMBER, CANARY_NUMBER.substring(1), CANARY_UUID, CANARY_UUID.substring(0, 8),
                CANARY_TEXT, "카나리아", "canary-secret", CANARY_ATTACHMENT, "canaryAttachment",
                FakeSignalServer.BOT_NUMBER, FakeSignalServer.BOT_NUMBER.substring(1))) {
            for (String text : surfaced) {
                assertFalse(text.contains(canary), "an identifier or message text leaked into a log or exception");
            }
        }
    }

    private void exercise(Mode mode, List<String> surfaced) {
        try (FakeSignalServer fake = new FakeSignalServer(mode)) {
            fake.start();
            RecordingSink sink = new RecordingSink(2, "could not journal " + CANARY_TEXT + " from " + CANARY_UUID);
            SignalTransport transport = new SignalTransport(SignalTransportReceiveTest.config(fake, ReceiveMode.AUTO));
            try {
                transport.start(sink);
                receiveEverything(fake, sink, transport);
                surfaced.add(sink.messages().toString());
                sendEverything(fake, transport, surfaced);
                surfaced.add(transport.stats().toString());
            } finally {
                transport.close();
            }
        }
        try {
            new SignalConfig("http://127.0.0.1:1", CANARY_NUMBER.replace("+82", "+82 "), ReceiveMode.AUTO, 1,
                    Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1));
        } catch (IllegalArgumentException e) {
            surfaced.add(describe(e));
        }
    }

    private static void receiveEverything(FakeSignalServer fake, RecordingSink sink, SignalTransport transport) {
        fake.push(Envelopes.text(CANARY_UUID, CANARY_NUMBER, TS, CANARY_TEXT));
        fake.push(Envelopes.text(CANARY_UUID, CANARY_NUMBER, TS, CANARY_TEXT));
        fake.push(Envelopes.group(CANARY_UUID, CANARY_NUMBER, TS + 1, CANARY_TEXT, CANARY_ATTACHMENT));
        fake.push(Envelopes.withAttachments(CANARY_UUID, CANARY_NUMBER, TS + 2, CANARY_TEXT, "../" + CANARY_ATTACHMENT));
        fake.push(Envelopes.sync(CANARY_UUID, CANARY_NUMBER, TS + 3, CANARY_TEXT));
        fake.push(Envelopes.receipt(CANARY_UUID, TS + 4));
        fake.push(Envelopes.decryptionFailure(CANARY_UUID, TS + 5));
        fake.push(Envelopes.errorFrame("failed for " + CANARY_NUMBER + ": " + CANARY_TEXT));
        fake.push("{\"envelope\":{\"sourceUuid\":\"" + CANARY_UUID + "\",\"sourceNumber\":\"" + CANARY_NUMBER
                + "\",\"timestamp\":\"" + CANARY_TEXT + "\",\"dataMessage\":{\"message\":\"" + CANARY_TEXT + "\"}}}");
        fake.push("WARN " + CANARY_TEXT + " " + CANARY_NUMBER);
        fake.push(Envelopes.text(CANARY_UUID, CANARY_NUMBER, TS + 6, CANARY_TEXT).substring(0, 90));

        sink.await(2, Await.DEFAULT);
        Await.until(() -> transport.stats().malformed() >= 3 && transport.stats().errorFrames() == 1,
                "every damaged event was seen");
        assertEquals(1, transport.stats().duplicates());
        assertEquals(1, transport.stats().attachmentDeleteFailures(), "an attachment id that could change the path is not used");
    }

    private static void sendEverything(FakeSignalServer fake, SignalTransport transport, List<String> surfaced) {
        List<SendReply> replies = List.of(
                SendReply.error(400, "Failed to send message to " + CANARY_NUMBER + ": " + CANARY_TEXT),
                SendReply.captcha(CANARY_NUMBER),
                SendReply.error(400, "Failed to send message due to untrusted identities: " + CANARY_UUID),
                SendReply.recipientError("IDENTITY_FAILURE", CANARY_NUMBER, CANARY_UUID),
                SendReply.recipientError("UNREGISTERED_FAILURE", CANARY_NUMBER, CANARY_UUID),
                SendReply.rateLimited(),
                SendReply.error(500, CANARY_TEXT + " " + CANARY_NUMBER),
                new SendReply(201, "garbage " + CANARY_TEXT),
                SendReply.disconnectAfterRequest());
        for (SendReply reply : replies) {
            fake.replyToNextSend(reply);
            try {
                transport.send(new OutboundMessage(CANARY_UUID, CANARY_TEXT));
            } catch (SendException e) {
                surfaced.add(describe(e));
            }
        }
        fake.setIdentities("[{\"number\":\"" + CANARY_NUMBER + "\",\"uuid\":\"" + CANARY_UUID + "\",\"status\":\"UNTRUSTED\"}]");
        try {
            surfaced.add(transport.identities().toString());
        } catch (SendException e) {
            surfaced.add(describe(e));
        }
        try {
            transport.trustVerified("../" + CANARY_UUID, CANARY_TEXT);
        } catch (SendException | IllegalArgumentException e) {
            surfaced.add(describe(e));
        }
        fake.stop();
        Runnable[] calls = {
                () -> attempt(surfaced, () -> transport.send(new OutboundMessage(CANARY_NUMBER, CANARY_TEXT))),
                () -> attempt(surfaced, () -> transport.setDisappearingTimer(CANARY_UUID, 3600)),
                () -> attempt(surfaced, () -> transport.trustVerified(CANARY_NUMBER, CANARY_TEXT)),
                () -> attempt(surfaced, transport::identities)};
        for (Runnable call : calls) call.run();
    }

    private interface Call {
        void run() throws Exception;
    }

    private static void attempt(List<String> surfaced, Call call) {
        try {
            call.run();
        } catch (Exception e) {
            surfaced.add(describe(e));
        }
    }

    private static String describe(Throwable e) {
        StringWriter trace = new StringWriter();
        e.printStackTrace(new PrintWriter(trace));
        return e.getMessage() + "\n" + e + "\n" + trace;
    }

    private static String captureSystemStreams(Runnable body) {
        PrintStream err = System.err;
        PrintStream out = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream capture = new PrintStream(captured, true, StandardCharsets.UTF_8);
        System.setErr(capture);
        System.setOut(capture);
        try {
            body.run();
        } finally {
            System.setErr(err);
            System.setOut(out);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
