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
 * A real {@code kill -9} of the whole bot after its answer reached Signal and before the bot
 * recorded it as sent. A person must never get the same message twice, so after the restart the
 * answer is not sent again (it counts as sent), while the restarted bot answers others as usual.
 * (This replaces a test that took a resend after the crash as correct.)
 */
class CrashRestartTest {
    private static final String PERSON = "5c0ffee0-1234-4abc-8def-0123456789ab";
    private static final String NEXT_PERSON = "7e57c0de-1234-4abc-8def-0123456789ab";

    @Test
    void anAnswerInFlightAtAHardKillIsNotSentAgainAfterTheRestart(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            Path config = TestBots.signalConfig(dir, server, data);
            // Signal takes her answer and does not answer back before the bot dies
            server.holdSendsTo(PERSON);
            Process child = startBot(config, dir.resolve("child.log"));
            try {
                server.push(Envelopes.text(PERSON, "+4915112345678", 1_755_379_200_000L, "난민이 뭐예요"));
                TestBots.await("her answer reached Signal", Duration.ofSeconds(60),
                        () -> !TestBots.sendsTo(server, PERSON).isEmpty());
            } finally {
                child.destroyForcibly(); // SIGKILL: no shutdown hook, no clean close
                child.waitFor(30, TimeUnit.SECONDS);
            }
            String inFlight = TestBots.text(TestBots.sendsTo(server, PERSON).get(0));
            server.release(PERSON);

            int polls = server.polls();
            try (TestBots.Running bot = TestBots.run(TestBots.load(config))) {
                // a poll the killed bot left open may still take a message: wait until the new bot polls
                TestBots.await("the restarted bot polling", Duration.ofSeconds(60), () -> server.polls() >= polls + 2);
                server.push(Envelopes.text(NEXT_PERSON, "+4915112345679", 1_755_379_300_000L, "난민이 뭐예요"));
                TestBots.await("the restarted bot answers someone else", Duration.ofSeconds(30),
                        () -> !TestBots.sendsTo(server, NEXT_PERSON).isEmpty());
                Thread.sleep(2500); // time for any resend to show up
            }
            List<String> toHer = TestBots.sendsTo(server, PERSON).stream().map(TestBots::text).toList();
            assertEquals(1, toHer.stream().filter(inFlight::equals).count(), "the answer in flight is not sent again");
            assertEquals(toHer.size(), toHer.stream().distinct().count(), "nothing sent to her twice");
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
