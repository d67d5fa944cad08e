package org.dari.store;

import org.dari.store.VaultException.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A small secret kept in the data directory as one file, sealed with AES-256-GCM under the subkey
 * of its {@link KeyPurpose} (mode 0600, written atomically). {@link KeyRotation} re-seals every
 * file in {@link #ALL}: it writes {@code <file>.new} under the new key before the database is
 * re-keyed and moves it into place after the key. {@link #read} settles an interrupted rotation:
 * of the two files, the one that opens with the current key wins and the other is destroyed.
 */
public record SealedFile(String fileName, KeyPurpose purpose) {
    /** The bot's OpenPGP signing key (its armored secret key ring). */
    public static final SealedFile BOT_SIGNING_KEY = new SealedFile("bot-signing-key.sealed", KeyPurpose.BOT_SIGNING_KEY);

    /** Every sealed file that key rotation must carry over. */
    static final List<SealedFile> ALL = List.of(BOT_SIGNING_KEY);

    public Path path(Path dataDir) {
        return dataDir.resolve(fileName);
    }

    Path staged(Path dataDir) {
        return SecureFiles.sibling(path(dataDir), ".new");
    }

    /** The secret, or empty if the file does not exist; throws {@link VaultException} if it does not open. */
    public Optional<byte[]> read(Path dataDir, KeyRing keys) {
        Path main = path(dataDir);
        Path staged = staged(dataDir);
        try {
            if (Files.exists(main)) {
                try {
                    byte[] secret = open(keys, Files.readAllBytes(main));
                    SecureFiles.destroy(staged);
                    return Optional.of(secret);
                } catch (VaultException e) {
                    if (!Files.exists(staged)) throw e;
                }
            }
            if (Files.exists(staged)) {
                byte[] secret = open(keys, Files.readAllBytes(staged));
                SecureFiles.moveAtomically(staged, main);
                return Optional.of(secret);
            }
            return Optional.empty();
        } catch (IOException e) {
            throw new VaultException(Problem.STORAGE, "sealed file cannot be read: " + main, e);
        }
    }

    /** Seals {@code secret} into the file, replacing it atomically. */
    public void write(Path dataDir, KeyRing keys, byte[] secret) {
        writeTo(path(dataDir), keys, secret);
    }

    /** Rotation, before the database is re-keyed: the same secret under the new key, beside the old file. */
    void stage(Path dataDir, KeyRing from, KeyRing to) {
        Optional<byte[]> secret = read(dataDir, from);
        if (secret.isPresent()) writeTo(staged(dataDir), to, secret.get());
    }

    /** Rotation, after the new key file is in place. */
    void promote(Path dataDir) {
        try {
            if (Files.exists(staged(dataDir))) SecureFiles.moveAtomically(staged(dataDir), path(dataDir));
        } catch (IOException e) {
            throw new VaultException(Problem.STORAGE, "re-sealed file cannot be moved into place: " + path(dataDir), e);
        }
    }

    /** Rotation failed before the database was re-keyed: the staged copy is useless. */
    void discardStaged(Path dataDir) {
        try {
            SecureFiles.destroy(staged(dataDir));
        } catch (IOException e) {
            throw new VaultException(Problem.STORAGE, "staged sealed file cannot be destroyed: " + staged(dataDir), e);
        }
    }

    private void writeTo(Path target, KeyRing keys, byte[] secret) {
        try {
            SecureFiles.writeAtomically(target, keys.sealer(purpose).seal(secret, table()));
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.STORAGE, "sealed file cannot be written: " + target, e);
        }
    }

    private byte[] open(KeyRing keys, byte[] sealed) {
        return keys.sealer(purpose).open(sealed, table());
    }

    private String table() {
        return "file/" + fileName;
    }
}
