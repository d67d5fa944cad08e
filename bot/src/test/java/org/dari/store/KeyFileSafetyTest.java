package org.dari.store;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Key files, data folders and databases the bot must refuse, and key files it must never replace. */
class KeyFileSafetyTest {
    @TempDir
    Path dir;

    private Path keyFile() {
        return dir.resolve("keys/master.key");
    }

    private static void assertRefused(Runnable action, String reason) {
        VaultException e = assertThrows(VaultException.class, action::run);
        assertEquals(VaultException.Problem.KEY_FILE, e.problem());
        assertTrue(e.getMessage().contains(reason), e.getMessage());
    }

    /** Another user than the bot's, to hand files to; only root can do that. */
    private static UserPrincipal someoneElse(Path anyPath) throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "changing a file's owner needs root");
        return anyPath.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }

    @Test
    void aKeyIsNeverWrittenOverAnExistingFile() throws Exception {
        Path file = keyFile();
        try (MasterKey first = KeyFile.loadOrCreate(file)) {
            byte[] before = Files.readAllBytes(file);
            try (MasterKey other = MasterKey.generate()) {
                assertRefused(() -> KeyFile.write(file, other), "cannot be written");
            }
            assertArrayEquals(before, Files.readAllBytes(file));
            assertArrayEquals(first.material(), before);
        }
        try (var leftovers = Files.list(file.getParent())) {
            assertEquals(1, leftovers.count(), "no temp file is left behind");
        }
    }

    @Test
    void aKeyFileThatIsASymbolicLinkIsRefused() throws Exception {
        Path real = dir.resolve("elsewhere.key");
        KeyFile.loadOrCreate(real).close();
        Files.createDirectories(keyFile().getParent());
        Files.createSymbolicLink(keyFile(), real);
        assertRefused(() -> KeyFile.loadOrCreate(keyFile()), "symbolic link");
    }

    @Test
    void aKeyFileOwnedBySomeoneElseIsRefused() throws Exception {
        KeyFile.loadOrCreate(keyFile()).close();
        Files.setOwner(keyFile(), someoneElse(keyFile()));
        assertRefused(() -> KeyFile.loadOrCreate(keyFile()), "not owned");
    }

    @Test
    void aPreCreatedDataFolderOthersCanWriteGetsNoKey() throws Exception {
        Path data = dir.resolve("dari-demo");
        Files.createDirectory(data);
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "writable by group or others");
        assertFalse(Files.exists(keyFile()), "no key was made for it");
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwx---"));
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "writable by group or others");
        assertRefused(() -> PassphraseKey.fromPassphrase("a long passphrase".toCharArray(), data), "writable by group");
        assertFalse(Files.exists(data.resolve(PassphraseKey.SALT_FILE)));
    }

    @Test
    void aDataFolderOwnedBySomeoneElseIsRefused() throws Exception {
        Path data = dir.resolve("dari-demo");
        Files.createDirectory(data);
        Files.setOwner(data, someoneElse(data));
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "not owned");
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    void aDataFolderThatIsASymbolicLinkIsRefused() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real-data"));
        Path data = Files.createSymbolicLink(dir.resolve("data"), real);
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "symbolic link");
        assertFalse(Files.exists(keyFile()));
    }

    @Test
    void aDatabaseThatIsASymbolicLinkOrWritableByOthersIsRefused() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path elsewhere = Files.createFile(dir.resolve("elsewhere.db"));
        Path db = Files.createSymbolicLink(data.resolve(Vault.DATABASE_FILE), elsewhere);
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "symbolic link");
        Files.delete(db);
        Files.createFile(db);
        Files.setPosixFilePermissions(db, PosixFilePermissions.fromString("rw-rw-rw-"));
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "writable by group or others");
    }

    @Test
    void openingAVaultDirectlyMakesTheSameRefusals() throws Exception {
        Path real = Files.createDirectory(dir.resolve("real-data"));
        Path data = Files.createSymbolicLink(dir.resolve("linked-data"), real);
        try (MasterKey master = MasterKey.generate(); KeyRing keys = new KeyRing(master)) {
            assertRefused(() -> Vault.open(data, keys, java.time.Clock.systemUTC(), Retention.DEFAULTS).close(), "symbolic link");
            Path open = Files.createDirectory(dir.resolve("open-data"));
            Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rwxrwxrwx"));
            assertRefused(() -> Vault.open(open, keys, java.time.Clock.systemUTC(), Retention.DEFAULTS).close(), "writable by group or others");
            assertFalse(Files.exists(open.resolve(Vault.DATABASE_FILE)), "no database was made there");
        }
    }

    @Test
    void theSaltIsPublishedPrivateAndALinkedSaltIsRefused() throws Exception {
        Path data = Files.createDirectory(dir.resolve("salted"));
        PassphraseKey.fromPassphrase("a long passphrase".toCharArray(), data).close();
        Path salt = data.resolve(PassphraseKey.SALT_FILE);
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(salt));
        try (var files = Files.list(data)) {
            assertEquals(java.util.List.of(salt), files.toList(), "no temporary file left beside it");
        }
        Path other = Files.createDirectory(dir.resolve("linked-salt"));
        Files.createSymbolicLink(other.resolve(PassphraseKey.SALT_FILE), salt);
        assertRefused(() -> PassphraseKey.fromPassphrase("a long passphrase".toCharArray(), other).close(), "symbolic link");
    }

    @Test
    void aDatabaseOwnedBySomeoneElseIsRefused() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path db = Files.createFile(data.resolve(Vault.DATABASE_FILE));
        Files.setOwner(db, someoneElse(db));
        assertRefused(() -> KeyRotation.loadKey(data, keyFile()), "not owned");
    }

    @Test
    void thePseudonymKeyHasNoSealer() {
        try (MasterKey master = MasterKey.generate(); KeyRing keys = new KeyRing(master)) {
            assertThrows(IllegalArgumentException.class, () -> keys.sealer(KeyPurpose.PSEUDONYM));
            keys.sealer(KeyPurpose.JOURNAL); // the others still have theirs
        }
    }

    @Test
    void aPassphraseFromAFileOrStandardInputGivesTheSameKeyAndAnOpenFileIsRefused() throws Exception {
        Path data = Files.createDirectory(dir.resolve("data"));
        Path file = dir.resolve("passphrase");
        Files.writeString(file, "a long passphrase 다리\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        byte[] fromFile;
        try (MasterKey key = PassphraseKey.fromFile(file, data)) {
            fromFile = key.material().clone();
        }
        try (MasterKey key = PassphraseKey.fromStream(new java.io.ByteArrayInputStream(
                "a long passphrase 다리\r\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)), data);
             MasterKey direct = PassphraseKey.fromPassphrase("a long passphrase 다리".toCharArray(), data)) {
            assertArrayEquals(direct.material(), fromFile);
            assertArrayEquals(direct.material(), key.material());
        }
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        VaultException e = assertThrows(VaultException.class, () -> PassphraseKey.fromFile(file, data));
        assertEquals(VaultException.Problem.PASSPHRASE, e.problem());
        assertFalse(e.getMessage().contains("passphrase 다리"));
    }
}
