package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

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
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                CrashChild.class.getName(), dataDir.toString(), keyFile.toString())
                .redirectErrorStream(true)
                .start();
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
            assertTrue(accepted.get(60, TimeUnit.SECONDS), "the child accepted the message");
        } finally {
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertNotEquals(0, child.exitValue(), "killed, not exited");

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
