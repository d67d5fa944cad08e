package org.dari.cli;

import org.dari.conversation.MessageStore;
import org.dari.referral.BotSigningKey;
import org.dari.store.KeyRing;
import org.dari.store.ReferralLinks;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.PassphraseKey;
import org.dari.store.Retention;
import org.dari.store.Vault;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.function.UnaryOperator;

/**
 * The bot's durable state: the encrypted vault in the data directory, the key
 * that opens it, and the keyed hash by which a person is known in memory.
 */
final class LocalState implements AutoCloseable {
    private final KeyRing keys;
    private final Vault vault;
    private final MessageStore store;

    private LocalState(KeyRing keys, Vault vault) {
        this.keys = keys;
        this.vault = vault;
        this.store = new VaultMessageStore(vault);
    }

    static LocalState open(Config config, Clock clock) throws Exception {
        Path dataDir = Path.of(config.dataDir());
        if (!Files.exists(dataDir)) {
            Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        }
        MasterKey master = masterKey(config, dataDir);
        KeyRing keys = new KeyRing(master);
        try {
            return new LocalState(keys, Vault.open(dataDir, keys, clock, retention(config)));
        } catch (RuntimeException e) {
            keys.close();
            throw e;
        }
    }

    static MasterKey masterKey(Config config, Path dataDir) {
        String env = config.keys().passphraseEnv();
        if (env != null && !env.isBlank()) return PassphraseKey.fromEnvironment(env, dataDir);
        String file = config.keys().passphraseFile();
        if (file != null && !file.isBlank()) {
            if (!file.equals("-")) return PassphraseKey.fromFile(Path.of(file), dataDir);
            return PassphraseKey.fromStandardInput(dataDir);
        }
        return KeyRotation.loadKey(dataDir, Path.of(config.keys().keyFile()));
    }

    static Retention retention(Config config) {
        Config.Retention r = config.retention();
        return new Retention(Duration.ofMinutes(r.sessionIdleMinutes()), Duration.ofDays(r.journalMaxDays()),
                Duration.ofDays(r.outboxMaxDays()), Duration.ofDays(r.referralIdleDays()));
    }

    MessageStore store() {
        return store;
    }

    ReferralLinks referralLinks() {
        return vault.referrals();
    }

    /** The bot's OpenPGP signing key, created on first use, kept encrypted under the master key. */
    BotSigningKey signingKey(Path dataDir) {
        return BotSigningKey.loadOrCreate(dataDir, keys);
    }

    /** In memory too, people are known by their keyed hash, never by their Signal id. */
    UnaryOperator<String> personKey() {
        var pseudonyms = keys.pseudonyms();
        return sender -> HexFormat.of().formatHex(pseudonyms.of(sender));
    }

    /** Transactions the store has committed (for measuring). */
    long commits() {
        return vault.commits();
    }

    /**
     * Moves routinely erased rows out of the WAL if some wait (at most {@link Vault#CHECKPOINT_DELAY}
     * late), and truncates the WAL once {@link Vault#TRUNCATE_AT_LEAST_EVERY} has passed since a routine checkpoint.
     */
    void checkpointIfOwed() {
        vault.checkpointIfOwed();
    }

    @Override
    public void close() {
        vault.close();
        keys.close();
    }
}
