package org.dari.cli;

import org.dari.store.TestSupport;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A scripted conversation with canary values through the real pipeline (Signal
 * transport, dispatcher, conversation, encrypted SQLite): afterwards no canary is
 * in any byte of the data directory or of the logs.
 */
class PipelineCanaryTest {
    private static final String UUID = "c4a2a7e1-0000-4bad-8c0d-ca4a21e5a1e7";
    private static final String NUMBER = "+8613800138000";
    private static final String TEXT = "카나리아 canary-text-7731 보위부 북송";
    private static final String NAME = "Canary Kim";

    @Test
    void noCanaryReachesDiskOrLogs(@TempDir Path dir) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        Path data = dir.resolve("data");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
            Config config = TestBots.load(TestBots.signalConfig(dir, server, data));
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                server.push(Envelopes.text(UUID, NUMBER, t, TEXT).replace("\"A\"", "\"" + NAME + "\""));
                server.push(Envelopes.text(UUID, NUMBER, t + 1, "개인정보"));
                TestBots.await("two replies", Duration.ofSeconds(30), () -> TestBots.sendsTo(server, UUID).size() >= 2);
                // mid-conversation: the state on disk already holds nothing readable
                assertNoCanaries(data, "while running");
                server.push(Envelopes.text(UUID, NUMBER, t + 2, "삭제"));
                TestBots.await("the forget confirmation", Duration.ofSeconds(30), () -> TestBots.sendsTo(server, UUID).size() >= 3);
                Thread.sleep(300);
            }
        } finally {
            System.setErr(originalErr);
        }
        assertTrue(Files.exists(data.resolve("dari.db")), "the vault was used");
        assertNoCanaries(data, "after forget and shutdown");
        String log = logs.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("pipeline.person_erased"), "the logs were captured");
        for (String canary : List.of(UUID, NUMBER, TEXT, "canary-text-7731", "카나리아", NAME)) {
            assertFalse(log.contains(canary), "a canary reached the logs");
        }
    }

    private static void assertNoCanaries(Path dir, String when) {
        for (String canary : List.of(UUID, NUMBER, "canary-text-7731", "카나리아", NAME)) {
            for (byte[] encoded : TestSupport.encodings(canary)) {
                assertTrue(TestSupport.filesContaining(dir, encoded).isEmpty(), "a canary is on disk " + when);
            }
        }
    }
}
