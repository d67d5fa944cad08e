package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.store.CrashChild;
import org.dari.transport.FakeSignalServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Invariant 6 through the bot itself: a message journaled by a process that is then SIGKILLed
 * before answering is answered by the restarted bot on its own (start-up recovery), once. Nothing
 * here completes the message by hand: without the bot's recovery no answer is ever sent.
 */
class RecoverAfterKillTest {
    /** A Signal UUID: only a UUID sender becomes a recipient. */
    private static final String SENDER = "7e57c0de-4b1d-4c0a-9e11-00000000c0de";
    private static final String TEXT = "난민이 뭐예요";

    @Test
    void aMessageJournaledBeforeAKillIsAnsweredByTheRestartedBot(@TempDir Path dir) throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));

            int exit = CrashChild.acceptThenKill(config.dataDir(), config.keys().keyFile(), SENDER, TEXT);
            assertNotEquals(0, exit, "killed, not exited");

            server.replyToSends(FakeSignalServer.SendReply.legacy());
            try (TestBots.Running bot = TestBots.run(config)) {
                TestBots.await("the recovered answer", Duration.ofSeconds(180),
                        () -> !TestBots.sendsTo(server, SENDER).isEmpty());
                Thread.sleep(2500); // time for any duplicate to show up
            }
            List<JsonNode> sent = TestBots.sendsTo(server, SENDER);
            assertEquals(1, sent.size(), "answered exactly once");
            assertFalse(TestBots.text(sent.get(0)).isBlank());
        }
    }
}
