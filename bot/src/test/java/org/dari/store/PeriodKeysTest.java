package org.dari.store;

import org.dari.store.TestSupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-day data keys: once a day's key is destroyed, bytes of that day's rows carved from the disk do
 * not open even with the master key; the destroyed key leaves no trace in its file; a live day's
 * rows survive restarts, crashes and failures while keys are created or destroyed.
 */
class PeriodKeysTest {
    private static final String ALICE = "c4n4ry00-aaaa-4aaa-8aaa-aaaaaaaaaaaa";
    private static final String BOB = "c4n4ry00-bbbb-4bbb-8bbb-bbbbbbbbbbbb";
    private static final String TEXT = "도와주세요 carve-me-7731";
    private static final Instant DAY_ONE = Instant.parse("2026-11-28T10:00:00Z");
    private static final int DAY_ONE_NUMBER = (int) LocalDate.ofInstant(DAY_ONE, ZoneOffset.UTC).toEpochDay();

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(DAY_ONE);
    private final byte[] masterBytes = fresh();
    private MasterKey master = MasterKey.of(masterBytes);
    private KeyRing keys = new KeyRing(master);

    private static byte[] fresh() {
        try (MasterKey k = MasterKey.generate()) {
            return k.material().clone();
        }
    }

    @AfterEach
    void close() {
        keys.close();
        master.close();
    }

    private Vault open() {
        return Vault.open(data, keys, clock, Retention.DEFAULTS);
    }

    /** A restart: every key in memory is dropped and rebuilt from the master key's bytes and the files. */
    private Vault restart() {
        keys.close();
        master.close();
        master = MasterKey.of(masterBytes);
        keys = new KeyRing(master);
        return open();
    }

    private Path slotFile() {
        return PeriodKeys.path(data);
    }

    /** The journal row as someone carving the disk would find it: person, dedup, sealed payload. */
    private byte[][] carveJournalRow() throws Exception {
        try (Connection c = TestSupport.rawConnection(data); Statement s = c.createStatement();
             ResultSet r = s.executeQuery("SELECT person, dedup, payload FROM journal")) {
            assertTrue(r.next());
            return new byte[][] {r.getBytes(1), r.getBytes(2), r.getBytes(3)};
        }
    }

    private static byte[] slot(byte[] file, int index) {
        return Arrays.copyOfRange(file, PeriodKeys.HEADER + index * PeriodKeys.SLOT, PeriodKeys.HEADER + (index + 1) * PeriodKeys.SLOT);
    }

    private void answerAndDeliverEverything(Vault vault) {
        for (PendingInbound p : vault.journal().pending()) vault.journal().complete(p.id(), List.of("answer"));
        for (List<OutboxItem> due; !(due = vault.outbox().due(10)).isEmpty(); ) {
            for (OutboxItem item : due) vault.outbox().delivered(item.id());
        }
    }

    @Test
    void carvedBytesOfADestroyedDayDoNotOpenEvenWithTheMasterKey() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, TEXT, 1L, false);
            assertEquals(Set.of(DAY_ONE_NUMBER), vault.periodKeys().days());
        }
        byte[][] carved = carveJournalRow();
        assertEquals(Sealer.PERIOD_VERSION, carved[2][0], "sealed under a day key");
        assertEquals(DAY_ONE_NUMBER, Sealer.periodOf(carved[2]));

        try (Vault vault = open()) {
            // control: while the day's key lives, the carved bytes open
            byte[] plain = vault.rows().open(KeyPurpose.JOURNAL, carved[2], Journal.TABLE, carved[0], carved[1]);
            assertTrue(TestSupport.contains(plain, TEXT.getBytes(StandardCharsets.UTF_8)));
            answerAndDeliverEverything(vault);
            vault.purgeExpired();
            assertEquals(Set.of(DAY_ONE_NUMBER), vault.periodKeys().days(), "today's key stays");
            clock.advance(Duration.ofDays(1));
            vault.purgeExpired();
            assertEquals(Set.of(), vault.periodKeys().days(), "yesterday's key went once nothing needed it");
            assertThrows(VaultException.class,
                    () -> vault.rows().open(KeyPurpose.JOURNAL, carved[2], Journal.TABLE, carved[0], carved[1]));
        }
        try (Vault vault = restart()) {
            // everything the master key can give: the day keys from the file, the keys derived from it
            assertThrows(VaultException.class,
                    () -> vault.rows().open(KeyPurpose.JOURNAL, carved[2], Journal.TABLE, carved[0], carved[1]));
            for (KeyPurpose purpose : KeyPurpose.values()) {
                if (purpose == KeyPurpose.PSEUDONYM || purpose == KeyPurpose.PERIOD_WRAP) continue;
                assertThrows(VaultException.class, () -> keys.sealer(purpose).open(carved[2], Journal.TABLE, carved[0], carved[1]));
            }
        }
        // the carved row put back into the database reads as gone: dropped, no crash, no exception
        try (Connection c = TestSupport.rawConnection(data);
             PreparedStatement s = c.prepareStatement("INSERT INTO journal (person, dedup, payload, received_at, expires_at)"
                     + " VALUES (?, ?, ?, 0, ?)")) {
            s.setBytes(1, carved[0]);
            s.setBytes(2, carved[1]);
            s.setBytes(3, carved[2]);
            s.setLong(4, Long.MAX_VALUE);
            s.executeUpdate();
        }
        try (Vault vault = restart()) {
            assertEquals(List.of(), vault.journal().pending());
            vault.journal().accept(BOB, "still works", 2L, false);
            assertEquals("still works", vault.journal().pending().get(0).text());
        }
    }

    @Test
    void aDestroyedKeyLeavesNoTraceInItsFileWhichIsOverwrittenInPlace() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, TEXT, 1L, false);
        }
        byte[] before = Files.readAllBytes(slotFile());
        byte[] wrapped = slot(before, 0);
        assertNotEquals(0, Arrays.hashCode(new byte[PeriodKeys.SLOT]) - Arrays.hashCode(wrapped), "slot 0 holds the key");
        byte[] secretPart = Arrays.copyOfRange(wrapped, 4, 4 + Sealer.NONCE_LENGTH + 32 + Sealer.TAG_LENGTH);
        Object inode = Files.getAttribute(slotFile(), "unix:ino");

        try (Vault vault = open()) {
            answerAndDeliverEverything(vault);
            clock.advance(Duration.ofDays(1));
            vault.purgeExpired();
            assertEquals(Set.of(), vault.periodKeys().days());
        }
        byte[] after = Files.readAllBytes(slotFile());
        assertFalse(TestSupport.contains(after, secretPart), "the wrapped key's bytes are gone from the file");
        assertArrayEquals(new byte[PeriodKeys.SLOT], slot(after, 0), "its slot is zeros");
        assertEquals(before.length, after.length);
        assertEquals(inode, Files.getAttribute(slotFile(), "unix:ino"), "the same file, overwritten in place, not replaced");
        assertEquals(List.of(), TestSupport.filesContaining(data, secretPart), "nor anywhere else in the data folder");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(slotFile())));
    }

    @Test
    void aLiveDaysRowsOpenAfterARestartAndItsKeyOutlivesOtherDays() {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "day one", 1L, false);
            clock.advance(Duration.ofDays(1));
            vault.journal().accept(BOB, "day two", 2L, false);
            vault.purgeExpired();
            assertEquals(Set.of(DAY_ONE_NUMBER, DAY_ONE_NUMBER + 1), vault.periodKeys().days(), "day one still has a row");
        }
        clock.advance(Duration.ofDays(2));
        try (Vault vault = restart()) {
            assertEquals(List.of("day one", "day two"), vault.journal().pending().stream().map(PendingInbound::text).toList());
            // answering day one's message moves its reply to today's key: day one's key can go, day two's stays
            PendingInbound first = vault.journal().pending().get(0);
            vault.journal().complete(first.id(), List.of("reply"));
            vault.purgeExpired();
            assertEquals(Set.of(DAY_ONE_NUMBER + 1, DAY_ONE_NUMBER + 3), vault.periodKeys().days());
        }
        try (Vault vault = restart()) {
            assertEquals(List.of("day two"), vault.journal().pending().stream().map(PendingInbound::text).toList());
            assertEquals(List.of("reply"), vault.outbox().due(10).stream().map(OutboxItem::text).toList());
        }
        clock.advance(Duration.ofDays(8)); // past every retention: rows purged first, then their keys
        try (Vault vault = restart()) {
            assertEquals(List.of(), vault.journal().pending());
            assertEquals(Set.of(), vault.periodKeys().days());
        }
    }

    @Test
    void aReferralTouchedTodayMovesToTodaysKeySoItsOpeningDayCanEnd() {
        try (Vault vault = open()) {
            vault.referrals().apply(List.of(new ReferralLinks.Open("K7QM", "secret-part", "demo", false, ALICE, "ko")));
            clock.advance(Duration.ofDays(20));
            vault.referrals().apply(List.of(new ReferralLinks.Touch("K7QM")));
            vault.purgeExpired();
            assertEquals(Set.of(DAY_ONE_NUMBER + 20), vault.periodKeys().days());
            assertEquals("demo", vault.referrals().meta("K7QM").orElseThrow().orgId());
            assertEquals(ALICE, vault.referrals().link("K7QM", "secret-part").orElseThrow().person());
        }
    }

    @Test
    void aTornSlotIsWipedAndLiveKeysStillOpen() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, TEXT, 1L, false);
        }
        // a crash tore the write of a new key into slot 1: half a slot of non-zero bytes
        byte[] file = Files.readAllBytes(slotFile());
        byte[] torn = slot(file, 0).clone();
        torn[0] ^= 0x01;
        Arrays.fill(torn, 32, 64, (byte) 0);
        System.arraycopy(torn, 0, file, PeriodKeys.HEADER + PeriodKeys.SLOT, PeriodKeys.SLOT);
        try (var channel = java.nio.channels.FileChannel.open(slotFile(), java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.wrap(file));
        }
        try (Vault vault = restart()) {
            assertEquals(TEXT, vault.journal().pending().get(0).text());
            assertEquals(Set.of(DAY_ONE_NUMBER), vault.periodKeys().days());
        }
        assertArrayEquals(new byte[PeriodKeys.SLOT], slot(Files.readAllBytes(slotFile()), 1), "the torn slot was wiped");
    }

    @Test
    void aFailedKeyWriteLosesNoLiveKeyAndStoresNoRow() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "day one", 1L, false);
            // from now on every slot write stops after half a slot and fails (a disk failing mid-write)
            vault.periodKeys().failWritesAfter(PeriodKeys.SLOT / 2);
            clock.advance(Duration.ofDays(1));
            // today's key cannot be written: the message is refused (the transport retries), not sealed under a lost key
            assertThrows(VaultException.class, () -> vault.journal().accept(BOB, "day two", 2L, false));
            vault.journal().complete(vault.journal().pending().get(0).id(), List.of());
            // nor can day one's key be destroyed now: the purge fails and the key stays for the next one
            assertThrows(VaultException.class, vault::purgeExpired);
        }
        try (Vault vault = restart()) {
            assertEquals(List.of(), vault.journal().pending(), "no half-stored message");
            assertEquals(Set.of(), vault.periodKeys().days(), "destroyed at the next purge (on open)");
            vault.journal().accept(BOB, "day two", 2L, false);
        }
        try (Vault vault = restart()) {
            assertEquals(List.of("day two"), vault.journal().pending().stream().map(PendingInbound::text).toList());
        }
    }

    @Test
    void aSigkillWhileDayKeysAreCreatedAndDestroyedNeverLosesALiveKey() throws Exception {
        for (int killAfter : new int[] {2, 9, 23}) {
            Path dataDir = data.resolve("kill-" + killAfter);
            Path keyFile = data.resolve("keys-" + killAfter + "/master.key");
            Path progress = data.resolve("progress-" + killAfter);
            int last = PeriodChurnChild.churnThenKill(killAfter, dataDir.toString(), keyFile.toString(), progress.toString());
            assertTrue(last >= killAfter);
            long rawRows;
            try (Connection c = TestSupport.rawConnection(dataDir); Statement s = c.createStatement();
                 ResultSet r = s.executeQuery("SELECT (SELECT count(*) FROM journal) + (SELECT count(*) FROM outbox)")) {
                rawRows = r.getLong(1);
            }
            MutableClock later = new MutableClock(PeriodChurnChild.FIRST_DAY.plus(Duration.ofDays(last + 2)));
            try (MasterKey key = KeyRotation.loadKey(dataDir, keyFile); KeyRing ring = new KeyRing(key);
                 Vault vault = Vault.open(dataDir, ring, later, Retention.DEFAULTS)) {
                List<String> pending = vault.journal().pending().stream().map(PendingInbound::text).toList();
                List<OutboxItem> due = vault.outbox().due(100);
                assertTrue(pending.contains(PeriodChurnChild.text(last)), "the last accepted message is readable: " + killAfter);
                assertTrue(Set.of(PeriodChurnChild.text(last - 1), PeriodChurnChild.text(last), PeriodChurnChild.text(last + 1))
                        .containsAll(pending), "only the last few are unanswered");
                assertEquals(rawRows, pending.size() + due.size(), "every stored row opens: no key of a live row was lost");
                int lastDay = (int) LocalDate.ofInstant(PeriodChurnChild.FIRST_DAY, ZoneOffset.UTC).toEpochDay() + last;
                assertTrue(vault.periodKeys().days().stream().allMatch(d -> d >= lastDay - 1),
                        "old days' keys were destroyed as the child went: " + vault.periodKeys().days());
            }
        }
    }

    @Test
    void theSlotFileHoldsNoIdentifierTextOrKey() throws Exception {
        byte[] pseudonym;
        try (Vault vault = open()) {
            long id = vault.journal().accept(ALICE, TEXT, 1L, false);
            vault.journal().complete(id, List.of("answer for " + ALICE));
            vault.referrals().apply(List.of(new ReferralLinks.Open("K7QM", "secret-part", "demo", true, ALICE, "ko")));
            clock.advance(Duration.ofDays(1));
            vault.journal().accept(BOB, TEXT, 2L, false);
            vault.purgeExpired();
            pseudonym = keys.pseudonyms().of(ALICE);
        }
        byte[] file = Files.readAllBytes(slotFile());
        List<byte[]> needles = new java.util.ArrayList<>();
        for (String s : List.of(ALICE, BOB, TEXT, "c4n4ry00", "carve-me-7731", "K7QM", "secret-part", "demo")) {
            needles.addAll(TestSupport.encodings(s));
        }
        needles.add(pseudonym);
        needles.add(masterBytes);
        needles.add(keys.subkey(KeyPurpose.PERIOD_WRAP));
        for (byte[] needle : needles) assertFalse(TestSupport.contains(file, needle), "found in the slot file");
        assertEquals(2, countNonEmptySlots(file), "two days, two slots: nothing else is written");
    }

    private static int countNonEmptySlots(byte[] file) {
        int n = 0;
        for (int i = 0; PeriodKeys.HEADER + (i + 1) * PeriodKeys.SLOT <= file.length; i++) {
            if (!Arrays.equals(new byte[PeriodKeys.SLOT], slot(file, i))) n++;
        }
        return n;
    }

    @Test
    void aDatabaseWrittenBeforeDayKeysStillOpensAndItsOldRowsRead() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, "old row", 1L, false);
        }
        // make it look like an install from before day keys: its row sealed under the master-derived key
        byte[][] row = carveJournalRow();
        byte[] plain;
        try (Vault vault = open()) {
            plain = vault.rows().open(KeyPurpose.JOURNAL, row[2], Journal.TABLE, row[0], row[1]);
        }
        byte[] legacy = keys.sealer(KeyPurpose.JOURNAL).seal(plain, Journal.TABLE, row[0], row[1]);
        try (Connection c = TestSupport.rawConnection(data); Statement s = c.createStatement()) {
            try (PreparedStatement p = c.prepareStatement("UPDATE journal SET payload = ?")) {
                p.setBytes(1, legacy);
                p.executeUpdate();
            }
            s.executeUpdate("UPDATE schema_version SET version = " + (Vault.MIGRATIONS.size() - 1));
        }
        SecureFiles.destroy(slotFile());
        try (Vault vault = restart()) {
            assertEquals(Vault.MIGRATIONS.size(), vault.schemaVersion());
            assertEquals(List.of("old row"), vault.journal().pending().stream().map(PendingInbound::text).toList());
            assertTrue(Files.exists(slotFile()), "created for new rows");
        }
    }

    @Test
    void aRotationThatStagedItsDayKeysButNeverCommittedLeavesTheOldFileInCharge() throws Exception {
        byte[] before;
        try (Vault vault = open(); MasterKey next = MasterKey.generate(); KeyRing nextRing = new KeyRing(next)) {
            vault.journal().accept(ALICE, TEXT, 1L, false);
            before = Files.readAllBytes(slotFile());
            vault.periodKeys().stageRewrapped(nextRing); // then the process dies before the re-seal commits
            assertTrue(Files.exists(PeriodKeys.staged(data)));
        }
        try (Vault vault = restart()) {
            assertEquals(TEXT, vault.journal().pending().get(0).text());
        }
        assertFalse(Files.exists(PeriodKeys.staged(data)), "the copy under a key that never took over is destroyed");
        assertArrayEquals(before, Files.readAllBytes(slotFile()));
    }

    @Test
    void aMissingSlotFileOfADatabaseThatNeedsItIsRefusedNotRecreated() throws Exception {
        try (Vault vault = open()) {
            vault.journal().accept(ALICE, TEXT, 1L, false);
        }
        SecureFiles.destroy(slotFile());
        keys.close();
        master.close();
        master = MasterKey.of(masterBytes);
        keys = new KeyRing(master);
        VaultException e = assertThrows(VaultException.class, this::open);
        assertEquals(VaultException.Problem.KEY_FILE, e.problem());
        assertFalse(Files.exists(slotFile()));
    }
}
