package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.transport.FakeSignalServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 6 through the bot itself: a message journaled by a process that is then SIGKILLed
 * before answering is answered by the restarted bot on its own (start-up recovery), once. Nothing
 * here completes the message by hand: without the bot's recovery no answer is ever sent.
 */
class RecoverAfterKillTest {
    @Test
    void aMessageJournaledBeforeAKillIsAnsweredByTheRestartedBot(@TempDir Path dir) throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));

            Process child = startChild(config);
            try {
                CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(() -> {
                    try (BufferedReader out = new BufferedReader(
                            new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            if (line.equals("ACCEPTED")) return true;
                        }
                        return false;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                assertTrue(accepted.get(60, TimeUnit.SECONDS), "the child journaled the message");
            } finally {
                child.destroyForcibly(); // SIGKILL
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            assertNotEquals(0, child.exitValue(), "killed, not exited");

            server.replyToSends(FakeSignalServer.SendReply.legacy());
            try (TestBots.Running bot = TestBots.run(config)) {
                TestBots.await("the recovered answer", Duration.ofSeconds(180),
                        () -> !TestBots.sendsTo(server, AcceptThenKillChild.SENDER).isEmpty());
                Thread.sleep(2500); // time for any duplicate to show up
            }
            List<JsonNode> sent = TestBots.sendsTo(server, AcceptThenKillChild.SENDER);
            assertEquals(1, sent.size(), "answered exactly once");
            assertFalse(TestBots.text(sent.get(0)).isBlank());
        }
    }

    private static Process startChild(Config config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                AcceptThenKillChild.class.getName(), config.dataDir(), config.keys().keyFile())
                .redirectErrorStream(true)
                .start();
    }
}
