package org.dari.store;

import org.dari.store.VaultException.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.Set;

/**
 * The master key as a 32-byte file, readable by its owner only (mode 0600). A key file that group
 * or others could read or replace is refused rather than used.
 */
public final class KeyFile {
    private KeyFile() {
    }

    /** Loads the key, or creates a new random one if the file does not exist. */
    public static MasterKey loadOrCreate(Path file) {
        if (Files.exists(file)) return load(file);
        MasterKey key = MasterKey.generate();
        try {
            write(file, key);
            return key;
        } catch (RuntimeException e) {
            key.close();
            throw e;
        }
    }

    public static MasterKey load(Path file) {
        try {
            if (!Files.isRegularFile(file)) {
                throw new VaultException(Problem.KEY_FILE, "key file is missing or not a regular file: " + file);
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(file);
            if (!SecureFiles.OWNER_ONLY.containsAll(mode)) {
                throw new VaultException(Problem.KEY_FILE,
                        "key file is accessible to group or others (it must be mode 0600): " + file);
            }
            if (Files.size(file) != MasterKey.LENGTH) {
                throw new VaultException(Problem.KEY_FILE,
                        "key file has the wrong size (a key file holds exactly 32 bytes): " + file);
            }
            byte[] bytes = Files.readAllBytes(file);
            try {
                if (bytes.length != MasterKey.LENGTH) {
                    throw new VaultException(Problem.KEY_FILE, "key file changed while it was read: " + file);
                }
                return MasterKey.of(bytes);
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.KEY_FILE, "key file cannot be read: " + file, e);
        }
    }

    /** Writes the key atomically (temp file, fsync, rename), mode 0600 from the first byte. */
    static void write(Path file, MasterKey key) {
        try {
            SecureFiles.writeAtomically(file, key.material());
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.KEY_FILE, "key file cannot be written: " + file, e);
        }
    }

    /** Overwrites a key file with zeros, fsyncs and deletes it; nothing happens if it is absent. */
    static void destroy(Path file) {
        try {
            SecureFiles.destroy(file);
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "key file cannot be destroyed: " + file, e);
        }
    }
}
