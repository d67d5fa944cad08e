package org.dari.store;

import org.dari.store.TestSupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class VaultTest {
    private static final String ALICE = "aaaaaaaa-1111-4111-8111-111111111111";
    private static final String BOB = "bbbbbbbb-2222-4222-8222-222222222222";
    private static final long T1 = 1_700_000_000_000L;

    @TempDir
    Path tmp;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-01-01T00:00:00Z"));
    private final MasterKey master = MasterKey.generate();
    private final KeyRing keys = new KeyRing(master);

    @AfterEach
    void wipe() {
        keys.close();
        master.close();
    }

    private Path data() {
        return tmp.resolve("data");
    }

    private Vault open() {
        return Vault.open(data(), keys, clock, Retention.DEFAULTS);
    }

    // ---- opening ----

    /**
     * Delivery reads the queue every round: the query must walk the queue in key order and stop at
     * its limit. Planned through the index on next_attempt_at, it sorted the whole queue in a
     * temporary B-tree every round, so a backlog made every round slower (found by dari bench).
     */
    @Test
    void readingWhatIsDueNeverSortsTheWholeQueue() {
        try (Vault vault = open()) {
            for (int i = 0; i < 50; i++) vault.outbox().enqueue("person-" + (i % 7), "reply " + i, new byte[] {(byte) i});
            for (int limit : new int[] {1, 16}) {
                List<String> plan = vault.write(c -> {
                    List<String> steps = new java.util.ArrayList<>();
                    // SQLite plans for the values bound: with a limit of 1 it chose the index
                    try (var s = c.prepareStatement("EXPLAIN QUERY PLAN " + Outbox.DUE_QUERY)) {
                        s.setLong(1, System.currentTimeMillis());
                        s.setInt(2, limit);
                        try (var r = s.executeQuery()) {
                            while (r.next()) steps.add(r.getString(4));
                        }
                    }
                    return steps;
                });
                assertFalse(plan.stream().anyMatch(step -> step.contains("TEMP B-TREE")), "no sort: " + plan);
                assertTrue(plan.contains("SCAN o"), "read in key order: " + plan);
            }
            assertEquals(7, vault.outbox().due(16).size(), "one per recipient, oldest first");
        }
    }

    /**
     * A hand-over in one transaction: the message answered in time is never journaled (no journal
     * row was ever inserted for it), its replies are queued; the one not answered in time is
     * journaled. Written again, nothing is queued twice.
     */
    @Test
    void aHandOverJournalsOnlyWhatIsNotAnsweredAndQueuesTheRestInOneCommit() {
        try (Vault vault = open()) {
            long commitsBefore = vault.commits();
            Journal.Answered alice = new Journal.Answered(new Journal.Arrival(ALICE, "answered in time", T1, false),
                    new Journal.Completion(List.of("reply one", "reply two"), List.of(), List.of(), false));
            List<Journal.Arrival> late = List.of(new Journal.Arrival(BOB, "not answered yet", T1 + 1, false));
            long[] ids = vault.journal().acceptAnswering(late, List.of(alice));
            assertEquals(1, vault.commits() - commitsBefore, "one commit for the hand-over");
            assertEquals(1, ids.length);
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(1, pending.size(), "only the late message is journaled");
            assertEquals(BOB, pending.get(0).sender());
            assertEquals(ids[0], pending.get(0).id());
            long lastJournalId = vault.write(c -> {
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT seq FROM sqlite_sequence WHERE name = 'journal'")) {
                    return r.next() ? r.getLong(1) : 0L;
                }
            });
            assertEquals(ids[0], lastJournalId, "the last journal id ever given is his: hers was never journaled");
            List<OutboxItem> queued = vault.outbox().due(10);
            assertEquals(List.of("reply one"), queued.stream().map(OutboxItem::text).toList(), "oldest first, one per person");
            assertEquals(ALICE, queued.get(0).recipient());

            vault.journal().acceptAnswering(List.of(), List.of(alice));
            vault.outbox().delivered(queued.get(0).id());
            assertEquals(List.of("reply two"), vault.outbox().due(10).stream().map(OutboxItem::text).toList(),
                    "written again: nothing queued twice");
            assertThrows(IllegalArgumentException.class, () -> new Journal.Answered(alice.arrival(),
                    new Journal.Completion(List.of("erased"), List.of(), List.of(), true)), "an erasure is journaled first");
        }
    }

    @Test
    void opensWithThePrivacySettingsAndTheLatestSchema() throws Exception {
        try (Vault vault = open()) {
            assertEquals("1", vault.pragma("secure_delete"));
            assertEquals("1", vault.pragma("auto_vacuum"), "FULL");
            assertEquals("wal", vault.pragma("journal_mode"));
            assertEquals("2", vault.pragma("temp_store"), "MEMORY");
            assertEquals("2", vault.pragma("synchronous"), "FULL");
            assertEquals("exclusive", vault.pragma("locking_mode"));
            assertEquals(Vault.MIGRATIONS.size(), vault.schemaVersion());
            assertEquals(Retention.DEFAULTS, vault.retention());
            vault.journal().accept(ALICE, "hello", T1, false);
            Path wal = data().resolve(Vault.DATABASE_FILE + "-wal");
            assertTrue(Files.size(wal) > 0, "the accepted message is in the WAL");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(wal)));
            assertFalse(Files.exists(data().resolve(Vault.DATABASE_FILE + "-shm")), "exclusive locking: no -shm");
        }
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(data())));
        assertEquals("rw-------", PosixFilePermissions.toString(
                Files.getPosixFilePermissions(data().resolve(Vault.DATABASE_FILE))));
        try (Vault vault = open()) {
            assertEquals(Vault.MIGRATIONS.size(), vault.schemaVersion());
        }
    }

    /**
     * A routine erasure (a delivered reply) restarts the WAL, which keeps its size, so commits after
     * it overwrite in place; its old frames are cut off at the latest {@link
     * Vault#TRUNCATE_AT_LEAST_EVERY} later, and at once when a person asks to be forgotten.
     */
    @Test
    void routineCheckpointsRestartTheWalAndItIsTruncatedInTimeAndOnErasure() throws Exception {
        Path wal = data().resolve(Vault.DATABASE_FILE + "-wal");
        try (Vault vault = open()) {
            vault.truncateAtLeastEvery(java.time.Duration.ofHours(1)); // a slow machine must not truncate early
            long id = vault.outbox().enqueue(ALICE, "reply", new byte[] {1});
            assertTrue(vault.outbox().delivered(id));
            vault.checkpointIfOwed();
            assertTrue(Files.size(wal) > 0, "restarted, not truncated: the file keeps its size");

            vault.truncateAtLeastEvery(java.time.Duration.ZERO);
            vault.checkpointIfOwed();
            assertEquals(0, Files.size(wal), "truncated once the interval has passed, with no erasure owed");

            vault.truncateAtLeastEvery(java.time.Duration.ofHours(1));
            long other = vault.outbox().enqueue(BOB, "reply", new byte[] {2});
            assertTrue(vault.outbox().delivered(other));
            vault.checkpointIfOwed();
            assertTrue(Files.size(wal) > 0, "restarted again");
            vault.forget(BOB);
            assertEquals(0, Files.size(wal), "an erasure she asked for truncates at once");

            long third = vault.outbox().enqueue(ALICE, "reply", new byte[] {3});
            assertTrue(vault.outbox().delivered(third));
            vault.checkpointIfOwed();
            assertTrue(Files.size(wal) > 0, "restarted again");
            long asked = vault.journal().accept(ALICE, "erase me", T1 + 5, false);
            vault.journal().completeAndForget(asked, List.of("erased"));
            assertEquals(0, Files.size(wal), "erased from her own message (the journal's way): truncated before she is told");
        }
    }

    @Test
    void idsDoNotCountMessagesAndAreNeverReused() {
        try (Vault vault = open()) {
            long first = vault.journal().accept(ALICE, "one", T1, false);
            vault.journal().complete(first, List.of());
            long second = vault.journal().accept(ALICE, "two", T1 + 1, false);
            assertTrue(second > first, "a completed id is never handed out again");
            try (MasterKey otherMaster = MasterKey.generate(); KeyRing otherKeys = new KeyRing(otherMaster);
                 Vault other = Vault.open(tmp.resolve("other"), otherKeys, clock, Retention.DEFAULTS)) {
                long elsewhere = other.journal().accept(ALICE, "one", T1, false);
                assertNotEquals(first, elsewhere, "counters start at a random value");
                assertTrue(first > 1 || elsewhere > 1);
            }
        }
    }

    @Test
    void retentionDefaultsAreAsDocumented() {
        assertEquals(Duration.ofMinutes(30), Retention.DEFAULTS.sessionIdle());
        assertEquals(Duration.ofDays(7), Retention.DEFAULTS.journalMax());
        assertEquals(Duration.ofDays(7), Retention.DEFAULTS.outboxMax());
        assertEquals(Duration.ofDays(30), Retention.DEFAULTS.referralIdle());
        assertThrows(IllegalArgumentException.class,
                () -> new Retention(Duration.ZERO, Duration.ofDays(1), Duration.ofDays(1), Duration.ofDays(1)));
    }

    @Test
    void migratesForwardFromAnOlderSchema() throws Exception {
        Files.createDirectories(data());
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            s.execute("PRAGMA auto_vacuum = FULL");
            s.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)");
            s.execute(Vault.MIGRATIONS.get(0));
            s.execute("INSERT INTO schema_version VALUES (1)");
        }
        try (Vault vault = open()) {
            assertEquals(Vault.MIGRATIONS.size(), vault.schemaVersion());
            vault.journal().accept(ALICE, "hello", T1, false);
            assertEquals(1, vault.journal().pending().size());
        }
    }

    @Test
    void aWrongKeyIsRefusedClearly() {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "hello", T1, false);
        }
        try (MasterKey other = MasterKey.generate(); KeyRing otherKeys = new KeyRing(other)) {
            VaultException e = assertThrows(VaultException.class,
                    () -> Vault.open(data(), otherKeys, clock, Retention.DEFAULTS));
            assertEquals(VaultException.Problem.WRONG_KEY, e.problem());
            assertEquals("this key does not open this database", e.getMessage());
        }
        try (Vault vault = open()) {
            assertEquals(1, vault.journal().pending().size(), "a refused key changes nothing");
        }
    }

    @Test
    void aGarbageFileIsRefusedNamingTheFileNotItsContent() throws Exception {
        Files.createDirectories(data());
        Path db = data().resolve(Vault.DATABASE_FILE);
        byte[] garbage = new byte[8192];
        new SecureRandom().nextBytes(garbage);
        Files.write(db, garbage);
        VaultException e = assertThrows(VaultException.class, this::open);
        assertEquals(VaultException.Problem.NOT_A_DATABASE, e.problem());
        assertTrue(e.getMessage().startsWith("not an SQLite database"), e.getMessage());
        assertTrue(e.getMessage().contains(db.toAbsolutePath().toString()), e.getMessage());

        Files.writeString(db, "canary-text-7731 ".repeat(100));
        e = assertThrows(VaultException.class, this::open);
        assertFalse(e.getMessage().contains("canary"), e.getMessage());
    }

    @Test
    void aDamagedSqliteFileIsRefusedClearly() throws Exception {
        Files.createDirectories(data());
        byte[] file = new byte[4096];
        new SecureRandom().nextBytes(file);
        System.arraycopy("SQLite format 3\0".getBytes(StandardCharsets.US_ASCII), 0, file, 0, 16);
        Files.write(data().resolve(Vault.DATABASE_FILE), file);
        VaultException e = assertThrows(VaultException.class, this::open);
        assertEquals(VaultException.Problem.NOT_A_DATABASE, e.problem(), e.getMessage());
        assertTrue(e.getMessage().contains(Vault.DATABASE_FILE));
    }

    @Test
    void someoneElsesSqliteDatabaseIsRefused() throws Exception {
        Files.createDirectories(data());
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE contacts (name TEXT)");
        }
        byte[] before = Files.readAllBytes(data().resolve(Vault.DATABASE_FILE));
        VaultException e = assertThrows(VaultException.class, this::open);
        assertEquals(VaultException.Problem.NOT_A_DATABASE, e.problem());
        assertTrue(java.util.Arrays.equals(before, Files.readAllBytes(data().resolve(Vault.DATABASE_FILE))),
                "someone else's database is left untouched");
    }

    @Test
    void aDatabaseFromANewerVersionIsRefused() throws Exception {
        open().close();
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            s.execute("UPDATE schema_version SET version = 999");
        }
        VaultException e = assertThrows(VaultException.class, this::open);
        assertEquals(VaultException.Problem.NEWER_SCHEMA, e.problem());
    }

    @Test
    void aSecondOpenWhileInUseIsRefused() {
        try (Vault vault = open()) {
            VaultException e = assertThrows(VaultException.class, this::open);
            assertEquals(VaultException.Problem.IN_USE, e.problem(), e.getMessage());
            vault.journal().accept(ALICE, "still works", T1, false);
        }
    }

    // ---- journal ----

    @Test
    void acceptIsIdempotentPerSenderAndTimestamp() {
        try (Vault vault = open()) {
            long first = vault.journal().accept(ALICE, "hello", T1, false);
            assertEquals(first, vault.journal().accept(ALICE, "hello", T1, false));
            assertEquals(first, vault.journal().accept(ALICE.toUpperCase(), "hello", T1, false), "UUID case does not matter");
            assertNotEquals(first, vault.journal().accept(ALICE, "hello", T1 + 1, false));
            assertNotEquals(first, vault.journal().accept(BOB, "hello", T1, false));
            assertEquals(3, vault.journal().pending().size());
        }
    }

    @Test
    void pendingIsDecryptedAndOldestFirst() {
        try (Vault vault = open()) {
            vault.journal().accept(BOB, "first", T1 + 5, true);
            clock.advance(Duration.ofSeconds(1));
            vault.journal().accept(ALICE, "두 번째", T1, false);
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(2, pending.size());
            PendingInbound first = pending.get(0);
            assertEquals(BOB, first.sender());
            assertEquals("first", first.text());
            assertEquals(T1 + 5, first.timestamp());
            assertTrue(first.hadAttachments());
            assertEquals(Instant.parse("2025-01-01T00:00:00Z"), first.receivedAt());
            assertEquals("두 번째", pending.get(1).text());
            assertFalse(first.toString().contains("first") || first.toString().contains(BOB));
        }
    }

    @Test
    void anyStringSurvives() {
        String odd = "\u0000\uD800 lone surrogate, NUL, \uFEFF and emoji \uD83D\uDE00";
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, odd, T1, false);
            vault.journal().accept(BOB, "", T1, true);
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(odd.replace('\uD800', '?'), pending.get(0).text());
            assertEquals("", pending.get(1).text());
        }
    }

    @Test
    void completeMovesRepliesToTheOutboxOnce() {
        try (Vault vault = open()) {
            long id = vault.journal().accept(ALICE, "question", T1, false);
            assertTrue(vault.journal().complete(id, List.of("answer 1", "answer 2")));
            assertTrue(vault.journal().pending().isEmpty());
            assertFalse(vault.journal().complete(id, List.of("answer 1", "answer 2")), "second complete is a no-op");

            // the same message delivered again before the replies went out: no duplicate reply
            long again = vault.journal().accept(ALICE, "question", T1, false);
            vault.journal().complete(again, List.of("answer 1", "answer 2"));

            List<OutboxItem> due = vault.outbox().due(10);
            assertEquals(1, due.size(), "one message per recipient at a time, in order");
            assertEquals("answer 1", due.get(0).text());
            assertEquals(ALICE, due.get(0).recipient());
            assertTrue(vault.outbox().delivered(due.get(0).id()));
            due = vault.outbox().due(10);
            assertEquals(List.of("answer 2"), due.stream().map(OutboxItem::text).toList());
            vault.outbox().delivered(due.get(0).id());
            assertTrue(vault.outbox().due(10).isEmpty());
        }
    }

    // ---- outbox ----

    @Test
    void enqueueIsIdempotentPerRecipientAndKey() {
        byte[] key = "referral-42".getBytes(StandardCharsets.UTF_8);
        try (Vault vault = open()) {
            long id = vault.outbox().enqueue(BOB, "case update", key);
            assertEquals(id, vault.outbox().enqueue(BOB, "case update", key));
            assertNotEquals(id, vault.outbox().enqueue(ALICE, "case update", key));
            assertNotEquals(id, vault.outbox().enqueue(BOB, "case update", "referral-43".getBytes(StandardCharsets.UTF_8)));
            assertThrows(IllegalArgumentException.class, () -> vault.outbox().enqueue(BOB, "x", new byte[0]));
            assertEquals(2, vault.outbox().due(10).size(), "Bob's second message waits behind his first");
        }
    }

    @Test
    void dueIsOldestFirstAndLimited() {
        try (Vault vault = open()) {
            vault.outbox().enqueue(BOB, "to bob", new byte[] {1});
            clock.advance(Duration.ofSeconds(1));
            vault.outbox().enqueue(ALICE, "to alice", new byte[] {1});
            assertEquals(List.of("to bob", "to alice"), vault.outbox().due(10).stream().map(OutboxItem::text).toList());
            assertEquals(List.of("to bob"), vault.outbox().due(1).stream().map(OutboxItem::text).toList());
            assertTrue(vault.outbox().due(0).isEmpty());
        }
    }

    @Test
    void retryLaterBacksOffAndDropRemoves() {
        try (Vault vault = open()) {
            long id = vault.outbox().enqueue(BOB, "to bob", new byte[] {1});
            assertTrue(vault.outbox().retryLater(id));
            assertTrue(vault.outbox().due(10).isEmpty(), "not due right after a failure");
            clock.advance(Duration.ofSeconds(1));
            OutboxItem item = vault.outbox().due(10).get(0);
            assertEquals(1, item.attempts());
            for (int i = 0; i < 20; i++) vault.outbox().retryLater(id);
            clock.advance(Duration.ofMinutes(7));
            assertTrue(vault.outbox().due(10).isEmpty());
            clock.advance(Duration.ofMinutes(8));
            assertEquals(21, vault.outbox().due(10).get(0).attempts(), "never later than the 15 min cap");
            assertTrue(vault.outbox().dropUndeliverable(id));
            assertTrue(vault.outbox().due(10).isEmpty());
            assertFalse(vault.outbox().retryLater(id));
            assertFalse(vault.outbox().delivered(id));
        }
    }

    @Test
    void backoffDoublesFromOneSecondToFifteenMinutesWithJitter() {
        assertEquals(Duration.ofSeconds(1), Outbox.backoff(1, 0));
        assertEquals(Duration.ofSeconds(2), Outbox.backoff(2, 0));
        assertEquals(Duration.ofSeconds(512), Outbox.backoff(10, 0));
        assertEquals(Duration.ofMinutes(15), Outbox.backoff(11, 0));
        assertEquals(Duration.ofMinutes(15), Outbox.backoff(1_000_000, 0));
        assertEquals(Duration.ofMillis(500), Outbox.backoff(1, 1.0));
        assertEquals(Duration.ofSeconds(12), Outbox.backoff(5, 0.5), "16 s less half of half");
        for (int i = 0; i < 100; i++) {
            Duration d = Outbox.backoff(5, Math.random());
            assertTrue(d.compareTo(Duration.ofSeconds(8)) > 0 && d.compareTo(Duration.ofSeconds(16)) <= 0, d.toString());
        }
    }

    // ---- forget and purge ----

    @Test
    void forgetErasesThatPersonOnly() {
        try (Vault vault = open()) {
            long a1 = vault.journal().accept(ALICE, "a1", T1, false);
            vault.journal().accept(ALICE, "a2", T1 + 1, false);
            vault.journal().complete(a1, List.of("reply to a1"));
            vault.outbox().enqueue(ALICE, "note to alice", new byte[] {7});
            vault.journal().accept(BOB, "b1", T1, false);
            vault.outbox().enqueue(BOB, "note to bob", new byte[] {7});

            assertEquals(3, vault.forget(ALICE.toUpperCase()));
            assertEquals(List.of(BOB), vault.journal().pending().stream().map(PendingInbound::sender).toList());
            assertEquals(List.of("note to bob"), vault.outbox().due(10).stream().map(OutboxItem::text).toList());
            assertEquals(0, vault.forget(ALICE));
        }
    }

    @Test
    void completeAndForgetErasesEverythingThenConfirms() {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "earlier", T1, false);
            vault.outbox().enqueue(ALICE, "old reply", new byte[] {1});
            long forgetRequest = vault.journal().accept(ALICE, "/forget", T1 + 1, false);
            vault.journal().accept(BOB, "b1", T1, false);

            assertEquals(3, vault.journal().completeAndForget(forgetRequest, List.of("erased")));
            assertEquals(List.of(BOB), vault.journal().pending().stream().map(PendingInbound::sender).toList());
            List<OutboxItem> due = vault.outbox().due(10);
            assertEquals(1, due.size());
            assertEquals("erased", due.get(0).text());
            assertEquals(0, vault.journal().completeAndForget(forgetRequest, List.of("erased")));
            assertEquals(1, vault.outbox().due(10).size());
        }
    }

    @Test
    void aMessageSentAfterTheEraseRequestIsKeptAndStillAnswered() {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "earlier", T1, false);
            long forgetRequest = vault.journal().accept(ALICE, "/forget", T1 + 1, false);
            vault.journal().accept(ALICE, "a question after the erase", T1 + 2, false);

            assertEquals(2, vault.journal().completeAndForget(forgetRequest, List.of("erased")));
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(List.of("a question after the erase"), pending.stream().map(PendingInbound::text).toList());
        }
    }

    @Test
    void timesInTheClearAreWholeMinutes() throws Exception {
        clock.advance(Duration.ofMillis(12_345));
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "a1", T1, false);
            long id = vault.outbox().enqueue(ALICE, "reply", new byte[] {3});
            // a failed send: when it failed and how often stays in memory, never on disk
            clock.advance(Duration.ofMillis(4_321));
            assertTrue(vault.outbox().retryLater(id));
            assertTrue(vault.outbox().retryLater(id));
            assertTrue(vault.outbox().due(10).isEmpty(), "still waiting for its retry");
        }
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SELECT attempts FROM outbox")) {
                assertTrue(r.next());
                assertEquals(0, r.getInt(1), "no attempt count on disk");
            }
            for (String q : List.of("SELECT received_at, expires_at FROM journal",
                    "SELECT created_at, next_attempt_at, expires_at FROM outbox")) {
                try (ResultSet r = s.executeQuery(q)) {
                    assertTrue(r.next(), q);
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        assertEquals(0, r.getLong(i) % 60_000, q + " column " + i + " keeps sub-minute time");
                    }
                }
            }
        }
    }

    @Test
    void purgeRemovesOnlyExpiredRows() {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "old", T1, false);
            vault.outbox().enqueue(ALICE, "old reply", new byte[] {1});
            clock.advance(Duration.ofDays(3));
            vault.journal().accept(BOB, "newer", T1, false);
            vault.outbox().enqueue(BOB, "newer reply", new byte[] {1});

            clock.advance(Duration.ofDays(4).minusMillis(1));
            assertEquals(0, vault.purgeExpired());
            clock.advance(Duration.ofMillis(1));
            assertEquals(2, vault.purgeExpired());
            assertEquals(List.of("newer"), vault.journal().pending().stream().map(PendingInbound::text).toList());
            assertEquals(List.of("newer reply"), vault.outbox().due(10).stream().map(OutboxItem::text).toList());
        }
        clock.advance(Duration.ofDays(3));
        try (Vault vault = open()) {
            assertTrue(vault.journal().pending().isEmpty(), "purged when opened");
            assertTrue(vault.outbox().due(10).isEmpty());
        }
    }

    @Test
    void purgerPurgesOnSchedule() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "old", T1, false);
            clock.advance(Duration.ofDays(8));
            try (Purger purger = Purger.start(vault, Duration.ofMillis(20))) {
                awaitEmpty(vault);
            }
            vault.journal().accept(BOB, "old too", T1, false);
            clock.advance(Duration.ofDays(8));
            ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor();
            try (Purger purger = new Purger(vault, executor, Duration.ofMillis(20))) {
                awaitEmpty(vault);
            } finally {
                executor.shutdownNow();
            }
        }
    }

    private static void awaitEmpty(Vault vault) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!vault.journal().pending().isEmpty()) {
            assertTrue(System.nanoTime() < deadline, "purger did not run");
            Thread.sleep(10);
        }
    }

    // ---- damaged rows ----

    @Test
    void anUndecryptableRowIsDroppedNotFatal() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "damaged", T1, false);
            vault.journal().accept(BOB, "intact", T1, false);
            vault.outbox().enqueue(ALICE, "damaged", new byte[] {1});
            vault.outbox().enqueue(BOB, "intact", new byte[] {1});
        }
        try (Connection c = TestSupport.rawConnection(data())) {
            for (String table : List.of("journal", "outbox")) {
                byte[] payload;
                try (Statement s = c.createStatement();
                     ResultSet r = s.executeQuery("SELECT payload FROM " + table + " ORDER BY id LIMIT 1")) {
                    r.next();
                    payload = r.getBytes(1);
                }
                payload[payload.length / 2] ^= 0x40;
                try (PreparedStatement p = c.prepareStatement(
                        "UPDATE " + table + " SET payload = ? WHERE id = (SELECT min(id) FROM " + table + ")")) {
                    p.setBytes(1, payload);
                    p.executeUpdate();
                }
            }
        }
        try (Vault vault = open()) {
            assertEquals(List.of("intact"), vault.journal().pending().stream().map(PendingInbound::text).toList());
            assertEquals(List.of("intact"), vault.outbox().due(10).stream().map(OutboxItem::text).toList());
        }
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM outbox)")) {
            r.next();
            assertEquals(2, r.getInt(1), "the damaged rows are gone");
        }
    }

    @Test
    void aPayloadCopiedToAnotherPersonsRowDoesNotOpen() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "alice's secret", T1, false);
            vault.journal().accept(BOB, "bob's text", T1, false);
        }
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            assertEquals(1, s.executeUpdate("UPDATE journal SET payload = (SELECT payload FROM journal"
                    + " WHERE id = (SELECT min(id) FROM journal)) WHERE id = (SELECT max(id) FROM journal)"));
        }
        try (Vault vault = open()) {
            assertEquals(List.of("alice's secret"), vault.journal().pending().stream().map(PendingInbound::text).toList());
        }
    }

    @Test
    void completingADamagedEntryFailsClearly() throws Exception {
        long id;
        try (Vault vault = open()) {
            id = vault.journal().accept(ALICE, "q", T1, false);
        }
        try (Connection c = TestSupport.rawConnection(data()); Statement s = c.createStatement()) {
            s.executeUpdate("UPDATE journal SET payload = substr(payload, 1, 20)");
        }
        try (Vault vault = open()) {
            VaultException e = assertThrows(VaultException.class, () -> vault.journal().complete(id, List.of("a")));
            assertEquals(VaultException.UNREADABLE, e.getMessage());
            assertTrue(vault.outbox().due(10).isEmpty(), "nothing half-done");
        }
    }

    @Test
    void aClosedVaultRefusesWork() {
        Vault vault = open();
        vault.close();
        vault.close();
        assertThrows(IllegalStateException.class, () -> vault.journal().pending());
    }
}
