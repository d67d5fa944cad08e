package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyRotationTest {
    private static final String ALICE = "aaaaaaaa-1111-4111-8111-111111111111";
    private static final String BOB = "bbbbbbbb-2222-4222-8222-222222222222";
    private static final long T = 1_700_000_000_000L;
    private static final byte[] NOTE_KEY = "note-1".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path keyFile() {
        return tmp.resolve("keys/master.key");
    }

    private Vault openWith(MasterKey key, KeyRing[] holder) {
        holder[0] = new KeyRing(key);
        return Vault.open(data(), holder[0], Clock.systemUTC(), Retention.DEFAULTS);
    }

    /** Writes a little of everything and returns a copy of the key that wrote it. */
    private byte[] writeData() {
        try (MasterKey key = KeyRotation.loadKey(data(), keyFile()); KeyRing keys = new KeyRing(key);
             Vault vault = Vault.open(data(), keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            long a = vault.journal().accept(ALICE, "question a", T, false);
            vault.journal().accept(BOB, "question b", T, true);
            vault.journal().complete(a, List.of("answer a"));
            vault.outbox().enqueue(BOB, "note b", NOTE_KEY);
            return key.material().clone();
        }
    }

    private void assertDataReads(MasterKey key) {
        try (KeyRing keys = new KeyRing(key);
             Vault vault = Vault.open(data(), keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            List<PendingInbound> pending = vault.journal().pending();
            assertEquals(1, pending.size());
            assertEquals(BOB, pending.get(0).sender());
            assertEquals("question b", pending.get(0).text());
            assertTrue(pending.get(0).hadAttachments());
            assertEquals(List.of("answer a", "note b"),
                    vault.outbox().due(10).stream().map(OutboxItem::text).sorted().toList());
        }
    }

    @Test
    void afterRotationDataReadsWithTheNewKeyAndTheOldKeyOpensNothing() throws Exception {
        byte[] oldKey = writeData();
        byte[] oldPseudonym;
        try (MasterKey old = MasterKey.of(oldKey); KeyRing keys = new KeyRing(old)) {
            oldPseudonym = keys.pseudonyms().of(BOB);
        }
        assertFalse(TestSupport.filesContaining(data(), oldPseudonym).isEmpty(), "control");
        KeyRotation.rotate(data(), keyFile());
        assertEquals(List.of(), TestSupport.filesContaining(data(), oldPseudonym), "old pseudonyms are gone");

        assertFalse(Files.exists(KeyRotation.staged(keyFile())));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())));
        assertFalse(Files.exists(PeriodKeys.staged(data())), "the re-wrapped day key file is in place");
        try (MasterKey newKey = KeyRotation.loadKey(data(), keyFile())) {
            assertFalse(Arrays.equals(oldKey, newKey.material()));
            assertDataReads(newKey);
            try (KeyRing keys = new KeyRing(newKey);
                 Vault vault = Vault.open(data(), keys, Clock.systemUTC(), Retention.DEFAULTS)) {
                // pseudonyms and index keys were recomputed: dedup, idempotency and forget still work
                assertEquals(vault.journal().pending().get(0).id(), vault.journal().accept(BOB, "question b", T, true));
                long note = vault.outbox().due(10).stream().filter(i -> i.text().equals("note b")).findFirst().orElseThrow().id();
                assertEquals(note, vault.outbox().enqueue(BOB, "note b", NOTE_KEY));
                assertEquals(2, vault.forget(BOB));
                assertEquals(1, vault.forget(ALICE));
            }
        }
        try (MasterKey old = MasterKey.of(oldKey); KeyRing keys = new KeyRing(old)) {
            VaultException e = assertThrows(VaultException.class,
                    () -> Vault.open(data(), keys, Clock.systemUTC(), Retention.DEFAULTS));
            assertEquals(VaultException.Problem.WRONG_KEY, e.problem());
            assertFalse(TestSupport.contains(Files.readAllBytes(keyFile()), oldKey));
        }
    }

    @Test
    void crashAfterStagingKeepsTheOldKey() throws Exception {
        byte[] oldKey = writeData();
        try (MasterKey next = MasterKey.generate()) {
            KeyRotation.stage(keyFile(), next);
        }
        try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
            assertArrayEquals(oldKey, loaded.material());
            assertDataReads(loaded);
        }
        assertFalse(Files.exists(KeyRotation.staged(keyFile())), "the unused new key is destroyed");
    }

    @Test
    void crashAfterResealingPicksTheNewKey() throws Exception {
        byte[] oldKey = writeData();
        byte[] newKey;
        try (MasterKey current = KeyFile.load(keyFile()); MasterKey next = MasterKey.generate()) {
            newKey = next.material().clone();
            KeyRotation.stage(keyFile(), next);
            KeyRotation.reseal(data(), current, next);
        }
        try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
            assertArrayEquals(newKey, loaded.material());
            assertDataReads(loaded);
        }
        assertFalse(Files.exists(KeyRotation.staged(keyFile())));
        assertFalse(TestSupport.contains(Files.readAllBytes(keyFile()), oldKey));
    }

    @Test
    void crashAfterDestroyingTheOldKeyPromotesTheNewOne() throws Exception {
        writeData();
        byte[] newKey;
        try (MasterKey current = KeyFile.load(keyFile()); MasterKey next = MasterKey.generate()) {
            newKey = next.material().clone();
            KeyRotation.stage(keyFile(), next);
            KeyRotation.reseal(data(), current, next);
            KeyFile.destroy(keyFile());
        }
        try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
            assertArrayEquals(newKey, loaded.material());
            assertDataReads(loaded);
        }
    }

    @Test
    void aMissingKeyFileForAnExistingDatabaseIsNotSilentlyReplaced() {
        writeData();
        KeyFile.destroy(keyFile());
        VaultException e = assertThrows(VaultException.class, () -> KeyRotation.loadKey(data(), keyFile()));
        assertEquals(VaultException.Problem.KEY_FILE, e.problem());
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    void rotationWithAWrongKeyFileChangesNothing() throws Exception {
        writeData();
        byte[] dbBefore = Files.readAllBytes(data().resolve(Vault.DATABASE_FILE));
        Path otherKey = tmp.resolve("other.key");
        KeyFile.loadOrCreate(otherKey).close();
        VaultException e = assertThrows(VaultException.class, () -> KeyRotation.rotate(data(), otherKey));
        assertEquals(VaultException.Problem.WRONG_KEY, e.problem());
        assertFalse(Files.exists(KeyRotation.staged(otherKey)));
        assertArrayEquals(dbBefore, Files.readAllBytes(data().resolve(Vault.DATABASE_FILE)));
        try (MasterKey key = KeyRotation.loadKey(data(), keyFile())) {
            assertDataReads(key);
        }
    }

    /** Where a rotation is killed: after one of its steps, or inside the day key file's promotion. */
    enum KillPoint {
        STAGED(KeyRotation.Step.STAGED), SEALED_FILES_STAGED(KeyRotation.Step.SEALED_FILES_STAGED),
        RESEALED(KeyRotation.Step.RESEALED), OLD_KEY_DESTROYED(KeyRotation.Step.OLD_KEY_DESTROYED),
        KEY_PROMOTED(KeyRotation.Step.KEY_PROMOTED),
        /** promoting the re-wrapped day key file: the old one overwritten with zeros, not yet removed */
        OLD_DAY_KEY_FILE_ZEROED(KeyRotation.Step.KEY_PROMOTED),
        /** the old day key file removed, the re-wrapped one not yet moved into its place */
        OLD_DAY_KEY_FILE_REMOVED(KeyRotation.Step.KEY_PROMOTED),
        SEALED_FILES_PROMOTED(KeyRotation.Step.SEALED_FILES_PROMOTED);

        final KeyRotation.Step step;

        KillPoint(KeyRotation.Step step) {
            this.step = step;
        }
    }

    /**
     * SIGKILL at any point of a rotation: nothing is cleaned up, the disk stays as it was at that
     * moment. The next start finds a key that opens the database, every day key opens its rows, and
     * one key file and one day key file are left.
     */
    @ParameterizedTest
    @EnumSource(KillPoint.class)
    void aKillAtAnyPointOfARotationLeavesAKeyAndDayKeysThatOpenTheDatabase(KillPoint at) throws Exception {
        writeData();
        Path atKill = Files.createDirectories(tmp.getParent().resolve(tmp.getFileName() + "-at-kill"));
        try {
            RuntimeException killed = new IllegalStateException("killed");
            assertEquals(killed, assertThrows(RuntimeException.class, () -> KeyRotation.rotate(data(), keyFile(), step -> {
                if (step == at.step) {
                    try {
                        copyTree(tmp, atKill); // the disk as the kill leaves it; the clean-up after the throw is not kept
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    throw killed;
                }
            })));
            deleteTree(data());
            deleteTree(keyFile().getParent());
            copyTree(atKill, tmp);
            Path dayKeys = PeriodKeys.path(data());
            if (at == KillPoint.OLD_DAY_KEY_FILE_ZEROED) {
                assertTrue(Files.exists(PeriodKeys.staged(data())));
                Files.write(dayKeys, new byte[(int) Files.size(dayKeys)]);
            } else if (at == KillPoint.OLD_DAY_KEY_FILE_REMOVED) {
                assertTrue(Files.exists(PeriodKeys.staged(data())));
                Files.delete(dayKeys);
            }
            try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
                assertDataReads(loaded);
            }
            assertFalse(Files.exists(KeyRotation.staged(keyFile())), "one key is left, not two");
            assertFalse(Files.exists(PeriodKeys.staged(data())), "one day key file is left, not two");
        } finally {
            deleteTree(atKill);
        }
    }

    private static void copyTree(Path from, Path to) throws java.io.IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                    Files.setPosixFilePermissions(target, Files.getPosixFilePermissions(p));
                } else {
                    Files.copy(p, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                            java.nio.file.StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static void deleteTree(Path root) throws java.io.IOException {
        if (!Files.exists(root)) return;
        try (var paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(p);
        }
    }

    @ParameterizedTest
    @EnumSource(KeyRotation.Step.class)
    void aFailureAtAnyStepLeavesAKeyThatOpensTheDatabase(KeyRotation.Step failAt) throws Exception {
        writeData();
        byte[] secret = "signing key".getBytes(StandardCharsets.UTF_8);
        try (MasterKey key = KeyRotation.loadKey(data(), keyFile()); KeyRing keys = new KeyRing(key)) {
            SealedFile.BOT_SIGNING_KEY.write(data(), keys, secret);
        }
        RuntimeException injected = new IllegalStateException("injected: disk full");
        RuntimeException thrown = assertThrows(RuntimeException.class,
                () -> KeyRotation.rotate(data(), keyFile(), step -> {
                    if (step == failAt) throw injected;
                }));
        assertEquals(injected, thrown);

        try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
            assertDataReads(loaded);
            try (KeyRing keys = new KeyRing(loaded)) {
                assertArrayEquals(secret, SealedFile.BOT_SIGNING_KEY.read(data(), keys).orElseThrow());
            }
        }
        assertFalse(Files.exists(KeyRotation.staged(keyFile())), "one key is left, not two");
        assertFalse(Files.exists(PeriodKeys.staged(data())), "one day key file is left, not two");
        // and the bot can still rotate afterwards
        KeyRotation.rotate(data(), keyFile());
        try (MasterKey loaded = KeyRotation.loadKey(data(), keyFile())) {
            assertDataReads(loaded);
        }
    }
}
