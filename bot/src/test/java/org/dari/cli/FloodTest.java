package org.dari.cli;

import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** A thousand messages from one person: another person is still answered, and nothing grows without bound. */
class FloodTest {
    static final String FLOODER = "aaaaaaaa-0000-4000-8000-000000000001";
    static final String OTHER = "bbbbbbbb-0000-4000-8000-000000000002";

    @Test
    void aFloodFromOnePersonDoesNotHoldUpAnotherAndStaysBounded(@TempDir Path dir) throws Exception {
        try (FakeSignalServer server = FakeSignalServer.normal()) {
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                for (int i = 0; i < 1000; i++) server.push(Envelopes.text(FLOODER, null, t + i, "보위부에 잡히면 어떻게 돼요 " + i));
                server.push(Envelopes.text(OTHER, null, t + 5000, "공안에 잡히면 어떻게 돼요"));
                TestBots.await("the other person's answer", Duration.ofSeconds(30), () -> !TestBots.sendsTo(server, OTHER).isEmpty());
                Thread.sleep(2000);
                int answered = TestBots.sendsTo(server, FLOODER).size();
                // the burst is answered, then one "slow down", then silence: the rest is neither queued nor kept
                int burst = config.rateLimit().burst();
                assertTrue(answered <= burst + 1, "the flood is cut off after the burst, got " + answered);
                assertTrue(Files.size(dir.resolve("data").resolve("dari.db")) < 2_000_000, "the database stays small");
            }
        }
    }
}
