package org.dari.store;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.dari.store.VaultException.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The master key derived from an operator's passphrase, so that no key lies on the disk.
 *
 * <p>Argon2id, version 0x13 (RFC 9106), with {@link #MEMORY_KIB} = 65536 KiB (64 MiB) of memory,
 * {@link #ITERATIONS} = 3 passes and {@link #PARALLELISM} = 1 lane. RFC 9106 section 4's second
 * recommended option is the same memory and passes with p = 4; we deviate on purpose and keep p = 1:
 * the lanes do not change an attacker's cost per guess (64 MiB held for the same 3 × 65536 block
 * computations whatever p is), they only let a defender with 4 free cores finish sooner, and Bouncy
 * Castle's generator computes lanes one after another on one thread, on a server whose 2 cores are
 * shared. Changing p would also change every derived key, so existing databases would need a
 * migration. A derivation takes about a second. The 16-byte random salt is not secret;
 * it lives in {@link #SALT_FILE} next to the database so that precomputed guesses are useless.
 * Changing any parameter, the salt or the passphrase yields a different key, which no longer opens
 * the database.
 */
public final class PassphraseKey {
    public static final int MEMORY_KIB = 64 * 1024;
    public static final int ITERATIONS = 3;
    public static final int PARALLELISM = 1;
    public static final int SALT_LENGTH = 16;
    public static final int MIN_PASSPHRASE_LENGTH = 12;
    public static final String SALT_FILE = "dari.salt";

    private PassphraseKey() {
    }

    /** Derives the key from the passphrase in the environment variable {@code variable} (e.g. DARI_PASSPHRASE). */
    public static MasterKey fromEnvironment(String variable, Path dataDir) {
        String value = System.getenv(variable);
        if (value == null || value.isEmpty()) {
            throw new VaultException(Problem.PASSPHRASE, "the passphrase variable is not set: " + variable);
        }
        char[] passphrase = value.toCharArray();
        try {
            return fromPassphrase(passphrase, dataDir);
        } finally {
            Arrays.fill(passphrase, '\0');
        }
    }

    /**
     * Derives the key from the passphrase in {@code file} (UTF-8, one trailing line break ignored).
     * The file is refused like a key file if it is a symbolic link, not the bot's, or not mode 0600
     * (a file in {@code /run}, in memory, is the intended place). Every copy is wiped after use.
     */
    public static MasterKey fromFile(Path file, Path dataDir) {
        try {
            SecureFiles.requireSafe(file, SecureFiles.Kind.KEY_FILE);
            try (java.io.InputStream in = Files.newInputStream(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                return fromStream(in, dataDir);
            }
        } catch (IOException e) {
            throw new VaultException(Problem.PASSPHRASE, "the passphrase file is refused or unreadable: " + e.getMessage());
        }
    }

    /** Derives the key from the first line of {@code in} (for example standard input), wiping every copy. */
    /** The passphrase from standard input (for a service manager that pipes it in); every copy wiped. */
    public static MasterKey fromStandardInput(Path dataDir) {
        try {
            return fromStream(System.in, dataDir);
        } catch (IOException e) {
            throw new VaultException(Problem.PASSPHRASE, "the passphrase could not be read from standard input");
        }
    }

    public static MasterKey fromStream(java.io.InputStream in, Path dataDir) throws IOException {
        byte[] raw = in.readNBytes(4096);
        int end = 0;
        while (end < raw.length && raw[end] != '\n' && raw[end] != '\r') end++;
        java.nio.CharBuffer chars = null;
        char[] passphrase = new char[0];
        try {
            chars = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .decode(java.nio.ByteBuffer.wrap(raw, 0, end));
            passphrase = new char[chars.remaining()];
            chars.get(passphrase);
            return fromPassphrase(passphrase, dataDir);
        } finally {
            Arrays.fill(raw, (byte) 0);
            if (chars != null) Arrays.fill(chars.array(), '\0');
            Arrays.fill(passphrase, '\0');
        }
    }

    /** Derives the key with the salt of {@code dataDir}, creating the salt on first use. */
    public static MasterKey fromPassphrase(char[] passphrase, Path dataDir) {
        if (passphrase.length < MIN_PASSPHRASE_LENGTH) {
            throw new VaultException(Problem.PASSPHRASE,
                    "the passphrase is too short (at least " + MIN_PASSPHRASE_LENGTH + " characters)");
        }
        KeyRotation.requireSafeDataDir(dataDir);
        return derive(passphrase, loadOrCreateSalt(dataDir.resolve(SALT_FILE)));
    }

    static MasterKey derive(char[] passphrase, byte[] salt) {
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(MEMORY_KIB)
                .withIterations(ITERATIONS)
                .withParallelism(PARALLELISM)
                .withSalt(salt)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] out = new byte[MasterKey.LENGTH];
        try {
            generator.generateBytes(passphrase, out);
            return MasterKey.of(out);
        } finally {
            Arrays.fill(out, (byte) 0);
        }
    }

    private static byte[] loadOrCreateSalt(Path file) {
        try {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                byte[] salt = new byte[SALT_LENGTH];
                new SecureRandom().nextBytes(salt);
                try {
                    // published, never replaced: a salt that appeared meanwhile is the one to use
                    SecureFiles.publishNew(file, salt);
                    return salt;
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    SecureFiles.requireSafe(file, SecureFiles.Kind.KEY_FILE);
                }
            }
            SecureFiles.requireSafe(file, SecureFiles.Kind.KEY_FILE);
            byte[] salt = Files.readAllBytes(file);
            if (salt.length != SALT_LENGTH) {
                throw new VaultException(Problem.KEY_FILE,
                        "salt file has the wrong size (it holds exactly 16 bytes): " + file);
            }
            return salt;
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.KEY_FILE, "salt file cannot be read or written: " + file
                    + (e.getMessage() == null ? "" : " (" + e.getMessage() + ")"), e);
        }
    }
}
