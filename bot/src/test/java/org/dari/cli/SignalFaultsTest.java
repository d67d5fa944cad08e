package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.dari.transport.FakeSignalServer.SendReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The bot of {@code dari run} in both modes of the REST API while the API misbehaves: down at
 * start, gone mid-run (refused connections, broken polls and sockets), 500s, rate limits in each
 * mode's words, a captcha, the websocket dropped again and again. It keeps serving, keeps what it
 * cannot send, recovers by itself, and every person gets exactly one answer.
 */
class SignalFaultsTest {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final int SEND_TIMEOUT_SECONDS = 3;
    private final AtomicLong clock = new AtomicLong(1_755_379_200_000L);
    private final List<String> people = new ArrayList<>();

    @ParameterizedTest
    @EnumSource(FakeSignalServer.Mode.class)
    void servesThroughEveryOutageAndAnswersEachMessageOnce(FakeSignalServer.Mode mode, @TempDir Path dir) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try (FakeSignalServer server = new FakeSignalServer(mode)) {
            server.start();
            server.stop(); // the API is down when the bot starts
            Path file = TestBots.signalConfig(dir, server, dir.resolve("data"));
            java.nio.file.Files.writeString(file, java.nio.file.Files.readString(file).replace("poll_timeout_seconds: 1\n",
                    "poll_timeout_seconds: 1\n  send_timeout_seconds: " + SEND_TIMEOUT_SECONDS + "\n"));
            Config config = TestBots.load(file);
            try (TestBots.Running bot = TestBots.run(config)) {
                writeFrom(server, 4, "메뉴");
                Thread.sleep(1500); // refused connections meanwhile
                server.start();
                String first = people.get(0);
                // the first sends fail for a while: server error, rate limits in both modes' words, captcha
                server.replyToNextSend(SendReply.error(500, "signal-cli exited"));
                server.replyToNextSend(SendReply.rateLimitedNormalMode(first));
                server.replyToNextSend(SendReply.rateLimited());
                server.replyToNextSend(SendReply.captcha(first));
                server.replyToNextSend(SendReply.error(503, "Service Unavailable"));
                // then sends that reach Signal but whose answer never comes in time: slower than the send
                // timeout, never answered, the connection reset after the request. Unclear outcomes are
                // taken as sent and never repeated: each of these people still gets exactly one answer.
                server.replyToNextSend(SendReply.slow(Duration.ofSeconds(SEND_TIMEOUT_SECONDS + 2)));
                server.replyToNextSend(SendReply.noAnswer());
                server.replyToNextSend(SendReply.disconnectAfterRequest());
                awaitAnswers(server, "the first people, after the API came up");
                assertTrue(server.sends().size() > server.deliveredSends().size(), "some sends were refused and retried");

                // it goes away mid-run and comes back on its own
                server.stop();
                writeFrom(server, 3, "menu");
                Thread.sleep(1200);
                server.start();
                awaitAnswers(server, "messages written while the API was gone");

                // json-rpc: the websocket drops again and again while people write. (In normal mode a
                // poll broken after it took messages loses them at the REST API, which has no
                // acknowledgement; the hard-kill test counts that gap. Here the outage above suffices.)
                int opens = server.webSocketOpens();
                for (int i = 0; i < 4; i++) {
                    writeFrom(server, 2, i % 2 == 0 ? "목록" : "help");
                    if (mode == FakeSignalServer.Mode.JSON_RPC) {
                        TestBots.await("the websocket open again", WAIT, () -> server.openWebSockets() > 0);
                        server.closeWebSockets();
                    }
                }
                awaitAnswers(server, "messages written while the websocket kept dropping");
                if (mode == FakeSignalServer.Mode.JSON_RPC) TestBots.await("the last reconnect", WAIT, () -> server.openWebSockets() > 0);
                if (mode == FakeSignalServer.Mode.JSON_RPC) assertTrue(server.webSocketOpens() >= opens + 4, "reconnected each time");
                Thread.sleep(1500); // room for a late duplicate
            }
            Map<String, Integer> answers = answersPerPerson(server);
            for (String person : people) assertEquals(1, answers.getOrDefault(person, 0), "one answer per message");
            assertEquals(people.size(), answers.size(), "answers only to those who wrote");
        } catch (Exception | AssertionError e) {
            System.setErr(originalErr);
            System.err.println(logs.toString(StandardCharsets.UTF_8));
            throw e;
        } finally {
            System.setErr(originalErr);
        }
        String log = logs.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("delivery.send_failed"), "refused sends are reported");
        assertTrue(log.contains("delivery.unclear_counted_sent"), "the sends without a timely answer were taken as sent, not resent");
        assertTrue(log.contains(mode == FakeSignalServer.Mode.JSON_RPC ? "signal.websocket.ended" : "signal.poll.failed"),
                "the broken receive channel is reported");
        for (String person : people) assertTrue(!log.contains(person), "no identifier in the logs");
    }

    private void writeFrom(FakeSignalServer server, int n, String text) {
        for (int i = 0; i < n; i++) {
            String person = UUID.randomUUID().toString();
            people.add(person);
            server.push(Envelopes.text(person, null, clock.incrementAndGet(), text));
        }
    }

    private void awaitAnswers(FakeSignalServer server, String what) throws InterruptedException {
        // the first answer also waits for the bot to start (its signing key is made then): slow on a busy machine
        TestBots.await(what, people.size() <= 4 && server.deliveredSends().isEmpty() ? STARTUP : WAIT, () -> answersPerPerson(server).keySet().containsAll(people));
    }

    static Map<String, Integer> answersPerPerson(FakeSignalServer server) {
        Map<String, Integer> answers = new HashMap<>();
        for (JsonNode send : server.deliveredSends()) answers.merge(send.path("recipients").path(0).asText(), 1, Integer::sum);
        return answers;
    }
}
