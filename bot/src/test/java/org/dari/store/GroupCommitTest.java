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

    /**
     * Writes queued with writeLater return at once and are committed together in the order queued;
     * each caller is told its own outcome, a failing one alone; closing commits what still waits,
     * and a write queued after the close is told it failed.
     */
    @Test
    void writesQueuedForLaterAreCommittedTogetherInOrderAndEachIsTold() throws Exception {
        Vault vault = Vault.open(tmp.resolve("data"), keys,
                new TestSupport.MutableClock(Instant.parse("2025-01-01T00:00:00Z")), Retention.DEFAULTS);
        int n = 300;
        java.util.Map<Integer, Object> told = new java.util.concurrent.ConcurrentHashMap<>();
        CountDownLatch allTold = new CountDownLatch(n);
        long before = vault.commits();
        for (int i = 0; i < n; i++) {
            int index = i;
            // 150 is a duplicate of 149's unique value: it alone fails
            int dedup = i == 150 ? 149 : i;
            vault.<Integer>writeLater(c -> {
                try (var s = c.prepareStatement("INSERT INTO journal (person, dedup, payload, received_at, expires_at)"
                        + " VALUES (x'00', ?, x'02', 0, 0)")) {
                    s.setBytes(1, java.nio.ByteBuffer.allocate(4).putInt(dedup).array());
                    return s.executeUpdate();
                }
            }, r -> false, failure -> {
                told.put(index, failure == null ? "ok" : failure);
                allTold.countDown();
            });
        }
        assertTrue(allTold.await(30, TimeUnit.SECONDS), "every caller is told");
        long used = vault.commits() - before;
        assertTrue(used < n / 10, used + " transactions for " + n + " writes");
        assertInstanceOf(RuntimeException.class, told.get(150), "the failing write is told its failure");
        assertEquals(n - 1, told.values().stream().filter("ok"::equals).count(), "every other write committed");
        List<Integer> order = vault.write(c -> {
            List<Integer> values = new java.util.ArrayList<>();
            try (var s = c.prepareStatement("SELECT dedup FROM journal ORDER BY id"); var r = s.executeQuery()) {
                while (r.next()) values.add(java.nio.ByteBuffer.wrap(r.getBytes(1)).getInt());
            }
            return values;
        });
        List<Integer> expected = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) if (i != 150) expected.add(i);
        assertEquals(expected, order, "committed in the order queued");

        // queued just before the close: committed by the close, and told
        CompletableFuture<Object> last = new CompletableFuture<>();
        vault.<Integer>writeLater(c -> {
            try (var s = c.prepareStatement("DELETE FROM journal")) {
                return s.executeUpdate();
            }
        }, r -> true, failure -> last.complete(failure == null ? "ok" : failure));
        vault.close();
        assertEquals("ok", last.get(10, TimeUnit.SECONDS));
        CompletableFuture<Object> afterClose = new CompletableFuture<>();
        vault.<Integer>writeLater(c -> 0, r -> false, failure -> afterClose.complete(failure == null ? "ok" : failure));
        assertInstanceOf(IllegalStateException.class, afterClose.get(10, TimeUnit.SECONDS), "refused once closed");
        try (Vault reopened = Vault.open(tmp.resolve("data"), keys,
                new TestSupport.MutableClock(Instant.parse("2025-01-01T00:00:00Z")), Retention.DEFAULTS)) {
            assertTrue(reopened.journal().pending().isEmpty(), "the write queued before the close was committed");
        }
    }

    /**
     * Groups are committed on different threads (the committer, a caller of write), yet callers are
     * told in commit order: here the committer is held inside the first caller's callback, and a
     * group committed meanwhile by another thread is told only after the rest of the first group.
     */
    @Test
    void callersAreToldInCommitOrderWhicheverThreadCommitted() throws Exception {
        try (Vault vault = Vault.open(tmp.resolve("data"), keys,
                new TestSupport.MutableClock(Instant.parse("2025-01-01T00:00:00Z")), Retention.DEFAULTS)) {
            List<String> told = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch inFirst = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch allTold = new CountDownLatch(3);
            synchronized (vault) {
                // both queued while the store is held: the committer takes them as one group
                vault.<Integer>writeLater(c -> 0, r -> false, failure -> {
                    told.add("first");
                    inFirst.countDown();
                    try {
                        release.await(10, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    allTold.countDown();
                });
                vault.<Integer>writeLater(c -> 0, r -> false, failure -> {
                    told.add("second");
                    allTold.countDown();
                });
            }
            assertTrue(inFirst.await(10, TimeUnit.SECONDS), "the first caller is being told");
            vault.<Integer>writeLater(c -> 0, r -> false, failure -> {
                told.add("third");
                allTold.countDown();
            });
            vault.write(c -> 0); // this thread commits the third in a group of its own
            release.countDown();
            assertTrue(allTold.await(10, TimeUnit.SECONDS), "every caller is told");
            assertEquals(List.of("first", "second", "third"), told, "told in the order committed");
        }
    }
}
