package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HexFormat;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyFileTest {
    @TempDir
    Path dir;

    @Test
    void createsAnOwnerOnlyKeyAndLoadsItBack() throws Exception {
        Path file = dir.resolve("keys/master.key");
        byte[] created;
        try (MasterKey key = KeyFile.loadOrCreate(file)) {
            created = key.material().clone();
        }
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.getParent())));
        assertEquals(32, Files.size(file));
        assertFalse(Files.exists(dir.resolve("keys/master.key.tmp")));
        try (MasterKey loaded = KeyFile.loadOrCreate(file)) {
            assertArrayEquals(created, loaded.material());
        }
    }

    @Test
    void refusesAKeyFileOthersCanRead() throws Exception {
        Path file = dir.resolve("master.key");
        String keyHex;
        try (MasterKey key = KeyFile.loadOrCreate(file)) {
            keyHex = HexFormat.of().formatHex(key.material());
        }
        for (String mode : new String[] {"rw-r--r--", "rw-r-----", "rw----r--", "rw--w----"}) {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString(mode));
            VaultException e = assertThrows(VaultException.class, () -> KeyFile.loadOrCreate(file));
            assertEquals(VaultException.Problem.KEY_FILE, e.problem());
            assertTrue(e.getMessage().contains("group or others"), e.getMessage());
            assertTrue(e.getMessage().contains(file.toString()));
            assertFalse(e.getMessage().toLowerCase().contains(keyHex));
        }
    }

    @Test
    void refusesAKeyFileOfTheWrongSize() throws Exception {
        Path file = dir.resolve("master.key");
        Files.write(file, new byte[31]);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        VaultException e = assertThrows(VaultException.class, () -> KeyFile.load(file));
        assertTrue(e.getMessage().contains("wrong size"), e.getMessage());
        Files.write(file, new byte[33]);
        assertThrows(VaultException.class, () -> KeyFile.load(file));
    }

    @Test
    void aMasterKeyIsRedactedAndWipedOnClose() {
        MasterKey key = MasterKey.generate();
        byte[] material = key.material();
        assertEquals("MasterKey[redacted]", key.toString());
        key.close();
        assertArrayEquals(new byte[32], material);
        assertThrows(IllegalStateException.class, key::material);
    }

    @Test
    void destroyOverwritesAndDeletes() throws Exception {
        Path file = dir.resolve("master.key");
        KeyFile.loadOrCreate(file).close();
        KeyFile.destroy(file);
        assertFalse(Files.exists(file));
        KeyFile.destroy(file); // absent: nothing to do
    }

    @Test
    void passphraseDerivesTheSameKeyWithTheSameSaltOnly() throws Exception {
        assertEquals(65536, PassphraseKey.MEMORY_KIB);
        assertEquals(3, PassphraseKey.ITERATIONS);
        assertEquals(1, PassphraseKey.PARALLELISM);
        char[] passphrase = "correct horse battery staple".toCharArray();
        Path a = dir.resolve("a");
        Path b = dir.resolve("b");
        try (MasterKey first = PassphraseKey.fromPassphrase(passphrase, a);
             MasterKey again = PassphraseKey.fromPassphrase(passphrase, a);
             MasterKey otherSalt = PassphraseKey.fromPassphrase(passphrase, b)) {
            assertArrayEquals(first.material(), again.material());
            assertFalse(java.util.Arrays.equals(first.material(), otherSalt.material()));
        }
        assertEquals(16, Files.size(a.resolve(PassphraseKey.SALT_FILE)));
    }

    @Test
    void passphraseProblemsAreClear() {
        VaultException tooShort = assertThrows(VaultException.class,
                () -> PassphraseKey.fromPassphrase("short".toCharArray(), dir));
        assertEquals(VaultException.Problem.PASSPHRASE, tooShort.problem());
        VaultException unset = assertThrows(VaultException.class,
                () -> PassphraseKey.fromEnvironment("DARI_TEST_PASSPHRASE_NOT_SET_7731", dir));
        assertTrue(unset.getMessage().contains("DARI_TEST_PASSPHRASE_NOT_SET_7731"));
    }
}
