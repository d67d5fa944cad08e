package org.dari.cli;

import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole bot in its own JVM with every logger at DEBUG (not only the transport's, as in the
 * other tests): canary values sent through Signal, the pipeline, the conversation and the store
 * never appear in what it logs.
 */
class DebugLogCanaryTest {
    private static final String UUID = "d3b09000-5eed-4c0a-9a11-000000de6a9e";
    private static final String NUMBER = "+8613911112222";
    private static final String TEXT = "디버그카나리아 debug-canary-5521 보위부";
    private static final String NAME = "Debug Canary Pak";

    @Test
    void nothingOfAPersonReachesTheLogsAtDebugLevel(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("bot.log");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            Path config = TestBots.signalConfig(dir, server, dir.resolve("data"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process bot = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug", "-Ddari.home=" + TestBots.HOME.dir(),
                    "org.dari.cli.Main", "run", "--allow-demo", "--config", config.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                long t = 1_755_379_200_000L;
                server.push(Envelopes.text(UUID, NUMBER, t, TEXT).replace("\"A\"", "\"" + NAME + "\""));
                server.push(Envelopes.text(UUID, NUMBER, t + 1, "난민이 뭐예요"));
                server.push(Envelopes.text(UUID, NUMBER, t + 2, "삭제"));
                // the erasure also erases replies still queued (all three may be answered together), so
                // the replies number one (the confirmation) to three: wait for the erasure and a reply
                TestBots.await("a reply and the erasure", Duration.ofSeconds(180),
                        () -> TestBots.sendsTo(server, UUID).size() >= 1 && logContains(log, "pipeline.person_erased"));
                Thread.sleep(1000);
            } finally {
                bot.destroy();
                if (!bot.waitFor(30, TimeUnit.SECONDS)) bot.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
            }
        }
        String logged = Files.readString(log, StandardCharsets.UTF_8);
        assertTrue(logged.contains("DEBUG"), "debug level was on");
        assertTrue(logged.contains("pipeline.person_erased"), "the pipeline's events were captured");
        for (String canary : List.of(UUID, NUMBER, "8613911112222", TEXT, "debug-canary-5521", "디버그카나리아", NAME)) {
            assertFalse(logged.contains(canary), "a canary reached the debug log");
        }
    }

    private static boolean logContains(Path log, String event) {
        try {
            return Files.readString(log, StandardCharsets.UTF_8).contains(event);
        } catch (java.io.IOException e) {
            return false;
        }
    }
}
