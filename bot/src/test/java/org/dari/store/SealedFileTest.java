package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A sealed file survives key rotation, and a crash at each step of it. */
class SealedFileTest {
    private static final byte[] SECRET = "-----BEGIN PGP PRIVATE KEY BLOCK----- canary secret".getBytes(StandardCharsets.UTF_8);
    private static final SealedFile FILE = SealedFile.BOT_SIGNING_KEY;

    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path keyFile() {
        return data().resolve("master.key");
    }

    /** A database and the sealed file, both under the key file's key. */
    private void setUp() {
        try (MasterKey key = KeyRotation.loadKey(data(), keyFile()); KeyRing keys = new KeyRing(key)) {
            Vault.open(data(), keys, Clock.systemUTC(), Retention.DEFAULTS).close();
            FILE.write(data(), keys, SECRET);
        }
    }

    private byte[] readWithCurrentKey() {
        try (MasterKey key = KeyRotation.loadKey(data(), keyFile()); KeyRing keys = new KeyRing(key)) {
            return FILE.read(data(), keys).orElseThrow();
        }
    }

    @Test
    void theFileIsSealedOwnerOnlyAndOpensOnlyWithItsKey() throws Exception {
        setUp();
        byte[] onDisk = Files.readAllBytes(FILE.path(data()));
        assertFalse(TestSupport.contains(onDisk, "BEGIN PGP".getBytes(StandardCharsets.UTF_8)));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(FILE.path(data()))));
        assertArrayEquals(SECRET, readWithCurrentKey());
        try (MasterKey other = MasterKey.generate(); KeyRing keys = new KeyRing(other)) {
            VaultException e = assertThrows(VaultException.class, () -> FILE.read(data(), keys));
            assertEquals(VaultException.Problem.UNREADABLE_DATA, e.problem());
        }
        try (MasterKey key = KeyFile.load(keyFile()); KeyRing keys = new KeyRing(key)) {
            assertTrue(SealedFile.BOT_SIGNING_KEY.read(tmp.resolve("elsewhere"), keys).isEmpty());
        }
    }

    @Test
    void rotationReSealsTheFile() throws Exception {
        setUp();
        byte[] before = Files.readAllBytes(FILE.path(data()));
        KeyRotation.rotate(data(), keyFile());
        assertFalse(Files.exists(FILE.staged(data())));
        assertFalse(java.util.Arrays.equals(before, Files.readAllBytes(FILE.path(data()))));
        assertArrayEquals(SECRET, readWithCurrentKey());
    }

    @Test
    void rotationWithAWrongKeyLeavesTheFileAlone() throws Exception {
        setUp();
        byte[] before = Files.readAllBytes(FILE.path(data()));
        Path otherKey = tmp.resolve("other.key");
        KeyFile.loadOrCreate(otherKey).close();
        VaultException e = assertThrows(VaultException.class, () -> KeyRotation.rotate(data(), otherKey));
        assertEquals(VaultException.Problem.WRONG_KEY, e.problem());
        assertFalse(Files.exists(FILE.staged(data())));
        assertArrayEquals(before, Files.readAllBytes(FILE.path(data())));
    }

    @Test
    void crashBeforeTheDatabaseIsReKeyedKeepsTheOldKeyAndFile() {
        setUp();
        try (MasterKey current = KeyFile.load(keyFile()); MasterKey next = MasterKey.generate()) {
            KeyRotation.stage(keyFile(), next);
            KeyRotation.stageSealedFiles(data(), current, next);
        }
        assertTrue(Files.exists(FILE.staged(data())));
        assertArrayEquals(SECRET, readWithCurrentKey());
        assertFalse(Files.exists(FILE.staged(data())), "the copy under the abandoned key is destroyed");
    }

    @Test
    void crashAfterTheDatabaseIsReKeyedMovesTheNewFileIntoPlace() {
        setUp();
        try (MasterKey current = KeyFile.load(keyFile()); MasterKey next = MasterKey.generate()) {
            KeyRotation.stage(keyFile(), next);
            KeyRotation.stageSealedFiles(data(), current, next);
            KeyRotation.reseal(data(), current, next);
        }
        assertArrayEquals(SECRET, readWithCurrentKey());
        assertFalse(Files.exists(FILE.staged(data())));
        assertArrayEquals(SECRET, readWithCurrentKey(), "and it stays readable");
    }

    @Test
    void crashAfterTheKeyIsPromotedMovesTheNewFileIntoPlace() {
        setUp();
        try (MasterKey current = KeyFile.load(keyFile()); MasterKey next = MasterKey.generate()) {
            KeyRotation.stage(keyFile(), next);
            KeyRotation.stageSealedFiles(data(), current, next);
            KeyRotation.reseal(data(), current, next);
            KeyRotation.promote(keyFile());
        }
        assertArrayEquals(SECRET, readWithCurrentKey());
        assertFalse(Files.exists(FILE.staged(data())));
    }
}
