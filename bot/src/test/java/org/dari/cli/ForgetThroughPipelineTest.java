package org.dari.cli;

import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.Retention;
import org.dari.store.Vault;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Forget through the real pipeline: replies still waiting for her are erased with everything else. */
class ForgetThroughPipelineTest {
    static final String PERSON = "d3a4b5c6-1111-4222-8333-944455566677";
    static final String OTHER = "e4b5c6d7-1111-4222-8333-944455566688";

    @Test
    void forgetErasesHerWaitingRepliesAndNobodyElses(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (FakeSignalServer server = FakeSignalServer.normal()) {
            // Signal refuses every send: replies wait in the outbox
            server.replyToSends(FakeSignalServer.SendReply.error(500, "signal-cli is not answering"));
            Config config = TestBots.load(TestBots.signalConfig(dir, server, data));
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                server.push(Envelopes.text(PERSON, null, t, "공안에 잡히면 어떻게 돼요"));
                server.push(Envelopes.text(OTHER, null, t + 1, "유엔난민기구는 무엇을 하나요"));
                server.push(Envelopes.text(PERSON, null, t + 2, "보위부에 잡히면 어떻게 돼요"));
                TestBots.await("attempts to both", Duration.ofSeconds(30),
                        () -> !TestBots.sendsTo(server, PERSON).isEmpty() && !TestBots.sendsTo(server, OTHER).isEmpty());
                server.push(Envelopes.text(PERSON, null, t + 3, "삭제"));
                Thread.sleep(2500);
            }
        }
        try (KeyRing keys = new KeyRing(KeyRotation.loadKey(data, data.resolve("master.key")));
             Vault vault = Vault.open(data, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            assertTrue(vault.journal().pending().isEmpty());
            assertEquals(1, vault.outbox().dropAllFor(PERSON), "only the confirmation waits for her, not her two answers");
            assertEquals(1, vault.outbox().dropAllFor(OTHER), "the other person's reply is untouched");
        }
    }
}
