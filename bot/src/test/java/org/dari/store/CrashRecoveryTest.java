package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Invariant 6: a message accepted by a process that is then SIGKILLed is answered exactly once. */
class CrashRecoveryTest {
    @TempDir
    Path tmp;

    @Test
    void anAcceptedMessageSurvivesSigkillAndIsAnsweredOnce() throws Exception {
        Path dataDir = tmp.resolve("data");
        Path keyFile = tmp.resolve("keys/master.key");
        int exit = CrashChild.acceptThenKill(dataDir.toString(), keyFile.toString());
        assertNotEquals(0, exit, "killed, not exited");

        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master);
             Vault vault = Vault.open(dataDir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(1, pending.size());
            PendingInbound message = pending.get(0);
            assertEquals(CrashChild.SENDER, message.sender());
            assertEquals(CrashChild.TEXT, message.text());
            assertEquals(CrashChild.TIMESTAMP, message.timestamp());

            // Signal may deliver the same message again after the restart
            assertEquals(message.id(), vault.journal().accept(CrashChild.SENDER, CrashChild.TEXT, CrashChild.TIMESTAMP, false));

            assertTrue(vault.journal().complete(message.id(), List.of("answer")));
            assertFalse(vault.journal().complete(message.id(), List.of("answer")));
            assertTrue(vault.journal().pending().isEmpty());

            List<OutboxItem> due = vault.outbox().due(10);
            assertEquals(1, due.size());
            assertEquals(CrashChild.SENDER, due.get(0).recipient());
            assertEquals("answer", due.get(0).text());
            assertTrue(vault.outbox().delivered(due.get(0).id()));
            assertTrue(vault.outbox().due(10).isEmpty());
        }
    }
}
