package org.dari.cli;

import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A real {@code kill -9} of the bot between accepting a message and sending its
 * answer; after a restart the answer is sent exactly once.
 */
class CrashRestartTest {
    private static final String PERSON = "5c0ffee0-1234-4abc-8def-0123456789ab";

    @Test
    void answerIsSentExactlyOnceAfterAHardKill(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            Path config = TestBots.signalConfig(dir, server, data);
            // Signal refuses every send, so the answer stays queued in the bot
            server.replyToSends(FakeSignalServer.SendReply.error(500, "signal-cli is down"));
            Process child = startBot(config, dir.resolve("child.log"));
            try {
                server.push(Envelopes.text(PERSON, "+4915112345678", 1_755_379_200_000L, "난민이 뭐예요"));
                TestBots.await("a send attempt", Duration.ofSeconds(60), () -> !server.sends().isEmpty());
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                child.waitFor(30, TimeUnit.SECONDS);
            }
            int refused = server.sends().size();

            server.replyToSends(FakeSignalServer.SendReply.legacy());
            try (TestBots.Running bot = TestBots.run(TestBots.load(config))) {
                TestBots.await("the answer after restart", Duration.ofSeconds(30),
                        () -> server.sends().size() > refused);
                Thread.sleep(2500); // time for any duplicate to show up
            }
            List<String> delivered = server.sends().subList(refused, server.sends().size()).stream()
                    .map(TestBots::text).toList();
            assertEquals(1, delivered.size(), "exactly one answer after the restart");
            assertTrue(delivered.get(0).contains("출처") || delivered.get(0).contains("번호를 보내세요"));
        }
    }

    private static Process startBot(Path config, Path log) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Ddari.home=" + TestBots.HOME.dir(), "org.dari.cli.Main", "run", "--allow-demo", "--config", config.toString());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        Process p = pb.start();
        assertTrue(p.isAlive(), "bot started");
        return p;
    }
}
