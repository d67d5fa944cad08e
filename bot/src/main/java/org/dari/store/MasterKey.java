package org.dari.store;

import java.security.SecureRandom;
import java.util.Arrays;

/** The 256-bit root of all Dari keys, held in one array that {@link #close()} overwrites with zeros. */
public final class MasterKey implements AutoCloseable {
    public static final int LENGTH = 32;

    private final byte[] key;
    private volatile boolean closed;

    private MasterKey(byte[] key) {
        this.key = key;
    }

    public static MasterKey generate() {
        byte[] key = new byte[LENGTH];
        new SecureRandom().nextBytes(key);
        return new MasterKey(key);
    }

    /** A key from raw bytes, copied; the caller wipes its own array. */
    static MasterKey of(byte[] bytes) {
        if (bytes.length != LENGTH) throw new IllegalArgumentException("a master key is 32 bytes");
        return new MasterKey(bytes.clone());
    }

    /** The key material itself, not a copy, for derivation inside this package only. */
    byte[] material() {
        if (closed) throw new IllegalStateException("master key is closed");
        return key;
    }

    @Override
    public void close() {
        closed = true;
        Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "MasterKey[redacted]";
    }
}
