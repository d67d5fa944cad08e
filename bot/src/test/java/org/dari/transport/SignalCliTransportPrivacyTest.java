package org.dari.transport;

import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Canary test for {@link SignalCliTransport}: a person's number, UUID and words pass through
 * receiving, every kind of failed call and a vanished daemon, and show up in no log line or exception.
 */
class SignalCliTransportPrivacyTest {
    private static final String CANARY_NUMBER = SignalTransportPrivacyTest.CANARY_NUMBER;
    private static final String CANARY_UUID = SignalTransportPrivacyTest.CANARY_UUID;
    private static final String CANARY_TEXT = SignalTransportPrivacyTest.CANARY_TEXT;
    private static final long TS = SignalTransportPrivacyTest.TS;

    @Test
    void noIdentifierOrTextReachesTheLogsOrExceptions() {
        List<String> surfaced = new ArrayList<>();
        String logs = capture(() -> exercise(surfaced));
        assertTrue(logs.contains("signal.rpc.error") && logs.contains("signal.receive.sink_failed")
                && logs.contains("signal.rpc.failed"), "the capture saw the transport's log lines");
        surfaced.add(logs);
        for (String canary : List.of(CANARY_NUMBER, CANARY_NUMBER.substring(1), CANARY_UUID, CANARY_UUID.substring(0, 8),
                CANARY_TEXT, "카나리아", "canary-secret", FakeSignalCliDaemon.BOT_NUMBER, FakeSignalCliDaemon.BOT_NUMBER.substring(1))) {
            for (String text : surfaced) {
                assertFalse(text.contains(canary), "an identifier or message text leaked into a log or exception");
            }
        }
    }

    private static void exercise(List<String> surfaced) {
        FakeSignalCliDaemon daemon = FakeSignalCliDaemon.started(100);
        SignalCliTransport transport = new SignalCliTransport(SignalCliTransportTest.config(daemon.baseUrl()));
        try {
            RecordingSink sink = new RecordingSink(2, "could not journal " + CANARY_TEXT + " from " + CANARY_UUID);
            daemon.push(Envelopes.text(CANARY_UUID, CANARY_NUMBER, TS, CANARY_TEXT));
            daemon.push(Envelopes.group(CANARY_UUID, CANARY_NUMBER, TS + 1, CANARY_TEXT));
            daemon.push("{\"exception\":{\"message\":\"" + CANARY_TEXT + " " + CANARY_NUMBER + "\",\"type\":\"X\"}}");
            daemon.pushRaw("event:receive\ndata:WARN " + CANARY_TEXT + " " + CANARY_NUMBER + "\n\n");
            transport.start(sink);
            sink.await(1, Await.DEFAULT);
            surfaced.add(sink.messages().toString());

            daemon.failNext("send", FakeSignalCliDaemon.rateLimitError(CANARY_UUID));
            daemon.failNext("send", FakeSignalCliDaemon.error(-1, "The user " + CANARY_NUMBER + " is not registered."));
            daemon.failNext("send", FakeSignalCliDaemon.error(-32603, "Failed to send message: " + CANARY_TEXT + " (IOException)"));
            daemon.failNext("trust", FakeSignalCliDaemon.error(-1, "Failed to set the trust for " + CANARY_NUMBER));
            daemon.failNext("removeContact", FakeSignalCliDaemon.error(-1, "Invalid phone number '" + CANARY_NUMBER + "'"));
            daemon.setIdentities("[{\"number\":\"" + CANARY_NUMBER + "\",\"uuid\":\"" + CANARY_UUID + "\",\"safetyNumber\":\"1\","
                    + "\"trustLevel\":\"UNTRUSTED\",\"addedTimestamp\":1}]");
            Call[] calls = {
                    () -> transport.send(new OutboundMessage(CANARY_UUID, CANARY_TEXT)),
                    () -> transport.send(new OutboundMessage(CANARY_UUID, CANARY_TEXT)),
                    () -> transport.send(new OutboundMessage(CANARY_UUID, CANARY_TEXT)),
                    () -> transport.acceptNewIdentity(CANARY_UUID),
                    () -> transport.forget(CANARY_NUMBER),
                    () -> surfaced.add(transport.identities(CANARY_UUID).toString())};
            for (Call call : calls) attempt(surfaced, call);
            daemon.close();
            attempt(surfaced, () -> transport.send(new OutboundMessage(CANARY_UUID, CANARY_TEXT)));
            attempt(surfaced, () -> transport.setDisappearingTimer(CANARY_UUID, 60));
            surfaced.add(transport.stats().toString());
        } finally {
            transport.close();
            daemon.close();
        }
        try {
            SignalCliConfig.of("http://127.0.0.1:1", CANARY_NUMBER.replace("+82", "+82 "));
        } catch (IllegalArgumentException e) {
            surfaced.add(describe(e));
        }
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

    private static String capture(Runnable body) {
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
