package org.dari.cli;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import org.dari.store.VaultException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** keys.passphrase_file opens the store with the passphrase in a private file, and only with it. */
class PassphraseFileConfigTest {

    @Test
    void theStoreOpensWithThePassphraseFromItsFileAndNotWithAnother(@TempDir Path dir) throws Exception {
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
        Path data = dir.resolve("data");
        Path passphrase = dir.resolve("passphrase");
        write(passphrase, "a long passphrase for the bot");

        Config config = config(data, passphrase);
        try (LocalState state = LocalState.open(config, Clock.systemUTC())) {
            assertTrue(Files.exists(data.resolve("dari.salt")), "a passphrase store keeps its salt beside the database");
        }
        assertTrue(Files.notExists(data.resolve("master.key")), "no key file in passphrase mode");
        try (LocalState again = LocalState.open(config, Clock.systemUTC())) {
            // the same passphrase opens the same store
        }

        write(passphrase, "another long passphrase entirely");
        assertThrows(VaultException.class, () -> LocalState.open(config, Clock.systemUTC()).close());
    }

    private static Config config(Path data, Path passphrase) {
        Config d = Config.defaults();
        return new Config(data.toString(), d.signal(), new Config.Keys(data.resolve("master.key").toString(), "", passphrase.toString()),
                d.retention(), d.disappearingTimerHours(), d.dispatcher(), d.rateLimit(), d.knowledge(), d.referral());
    }

    private static void write(Path file, String text) throws Exception {
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, text);
    }
}
