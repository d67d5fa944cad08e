package org.dari.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Writes that wait behind a commit go in together; one that fails is rolled back alone. */
class GroupCommitTest {
    private static final String ALICE = "aaaaaaaa-1111-4111-8111-111111111111";
    private static final String BOB = "bbbbbbbb-2222-4222-8222-222222222222";

    @TempDir
    Path tmp;

    private final MasterKey master = MasterKey.generate();
    private final KeyRing keys = new KeyRing(master);

    @AfterEach
    void wipe() {
        keys.close();
        master.close();
    }

    @Test
    void aFailingWriteInAGroupLosesNothingOfTheOthers() throws Exception {
        try (Vault vault = Vault.open(tmp.resolve("data"), keys,
                new TestSupport.MutableClock(Instant.parse("2025-01-01T00:00:00Z")), Retention.DEFAULTS)) {
            CountDownLatch holding = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            // the first write holds the connection until the others have queued behind it
            CompletableFuture<Long> first = CompletableFuture.supplyAsync(() -> vault.write(c -> {
                holding.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return 1L;
            }));
            assertTrue(holding.await(10, TimeUnit.SECONDS));
            CompletableFuture<Long> alice = CompletableFuture.supplyAsync(
                    () -> vault.journal().accept(ALICE, "first", 1L, false));
            CompletableFuture<Long> failing = CompletableFuture.supplyAsync(() -> vault.write(c -> {
                try (var s = c.prepareStatement("INSERT INTO journal (person, dedup, payload, received_at, expires_at)"
                        + " VALUES (x'00', x'01', x'02', 0, 0)")) {
                    s.executeUpdate();
                }
                throw new IllegalStateException("fails after writing");
            }));
            CompletableFuture<Long> bob = CompletableFuture.supplyAsync(
                    () -> vault.journal().accept(BOB, "second", 2L, false));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (vault.waitingWrites() < 3 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(3, vault.waitingWrites(), "three writes queued behind the first");
            release.countDown();

            assertEquals(1L, first.get(10, TimeUnit.SECONDS));
            alice.get(10, TimeUnit.SECONDS);
            bob.get(10, TimeUnit.SECONDS);
            ExecutionException e = assertThrows(ExecutionException.class, () -> failing.get(10, TimeUnit.SECONDS));
            assertInstanceOf(IllegalStateException.class, e.getCause());
            long rows = vault.write(c -> {
                try (var s = c.prepareStatement("SELECT count(*) FROM journal"); var r = s.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            });
            assertEquals(2, rows, "the failed write's row was rolled back, the others' kept");
            List<PendingInbound> pending = vault.journal().pending();
            // two people's messages: their order against each other does not matter (the times are whole minutes)
            assertEquals(List.of("first", "second"), pending.stream().map(PendingInbound::text).sorted().toList(),
                    "both accepted messages are kept, the failed write's row is not");
        }
    }
}
