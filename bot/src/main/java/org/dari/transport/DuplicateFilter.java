package org.dari.transport;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;

/**
 * Remembers which messages (sender + timestamp) were already handled, for a
 * bounded time and number of entries. Keys are salted hashes, so the memory
 * holds no sender ids.
 */
final class DuplicateFilter {
    private final Cache<Key, Boolean> seen;
    private final byte[] salt = new byte[16];

    DuplicateFilter(Duration ttl, long maxEntries) {
        this.seen = Caffeine.newBuilder().expireAfterWrite(ttl).maximumSize(maxEntries).build();
        new SecureRandom().nextBytes(salt);
    }

    /** True the first time this message is seen, false for a repeat. */
    boolean firstTime(String sender, long timestamp) {
        return seen.asMap().putIfAbsent(key(sender, timestamp), Boolean.TRUE) == null;
    }

    private Key key(String sender, long timestamp) {
        MessageDigest sha = sha256();
        sha.update(salt);
        sha.update(sender.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
        ByteBuffer digest = ByteBuffer.wrap(sha.digest());
        return new Key(digest.getLong(), digest.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private record Key(long high, long low) {
    }
}
