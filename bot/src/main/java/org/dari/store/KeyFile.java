package org.dari.store;

import org.dari.store.VaultException.Problem;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The master key as a 32-byte file, readable by its owner only (mode 0600). A key file that is a
 * symbolic link, belongs to another user, or that group or others could read or replace is refused
 * rather than used. A key file is published atomically and never replaces an existing file.
 */
public final class KeyFile {
    private KeyFile() {
    }

    /**
     * Loads the key, or creates a new random one if the file does not exist. Creation never replaces
     * a file: if another process published one first, that file is loaded (and checked) instead.
     */
    public static MasterKey loadOrCreate(Path file) {
        if (Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return load(file);
        MasterKey key = MasterKey.generate();
        try {
            SecureFiles.publishNew(file, key.material());
            return key;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            key.close();
            return load(file);
        } catch (IOException | RuntimeException e) {
            key.close();
            if (e instanceof VaultException v) throw v;
            throw new VaultException(Problem.KEY_FILE, "key file cannot be written: " + file, e);
        }
    }

    public static MasterKey load(Path file) {
        try {
            if (!Files.exists(file, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new VaultException(Problem.KEY_FILE, "key file is missing: " + file);
            }
            try {
                SecureFiles.requireSafe(file, SecureFiles.Kind.KEY_FILE);
            } catch (IOException refused) {
                throw new VaultException(Problem.KEY_FILE, "key file refused: " + refused.getMessage());
            }
            if (Files.size(file) != MasterKey.LENGTH) {
                throw new VaultException(Problem.KEY_FILE,
                        "key file has the wrong size (a key file holds exactly 32 bytes): " + file);
            }
            byte[] bytes = new byte[MasterKey.LENGTH + 1];
            int read = 0;
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                    java.nio.file.StandardOpenOption.READ, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                for (int n; buffer.hasRemaining() && (n = channel.read(buffer)) > 0; ) read += n;
            }
            try {
                if (read != MasterKey.LENGTH) {
                    throw new VaultException(Problem.KEY_FILE, "key file changed while it was read: " + file);
                }
                byte[] exact = Arrays.copyOf(bytes, MasterKey.LENGTH);
                try {
                    return MasterKey.of(exact);
                } finally {
                    Arrays.fill(exact, (byte) 0);
                }
            } finally {
                Arrays.fill(bytes, (byte) 0);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.KEY_FILE, "key file cannot be read: " + file, e);
        }
    }

    /** Publishes the key as a new file (never replacing one), mode 0600 from the first byte. */
    static void write(Path file, MasterKey key) {
        try {
            SecureFiles.publishNew(file, key.material());
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
