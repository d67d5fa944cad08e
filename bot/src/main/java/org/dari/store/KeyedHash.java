package org.dari.store;

import java.nio.ByteBuffer;

/** HMAC-SHA256 over length-prefixed parts, for unique indexes that must not reveal their inputs. */
final class KeyedHash {
    private final byte[] key;

    KeyedHash(byte[] key) {
        this.key = key;
    }

    byte[] of(byte[]... parts) {
        return Hmac.sha256(key, lengthPrefixed(parts));
    }

    /** Each part as a 4-byte big-endian length and its bytes, so that no two inputs collide. */
    static byte[] lengthPrefixed(byte[]... parts) {
        int size = 0;
        for (byte[] part : parts) size += 4 + part.length;
        ByteBuffer out = ByteBuffer.allocate(size);
        for (byte[] part : parts) out.putInt(part.length).put(part);
        return out.array();
    }

    static byte[] longBytes(long value) {
        return ByteBuffer.allocate(8).putLong(value).array();
    }
}
