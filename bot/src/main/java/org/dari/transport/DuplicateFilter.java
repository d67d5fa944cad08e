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

    /** Drops every entry of this sender (she asked to be forgotten); returns how many. */
    int forget(String sender) {
        Key person = key(sender, null);
        int before = seen.asMap().size();
        seen.asMap().keySet().removeIf(k -> k.personHigh() == person.personHigh() && k.personLow() == person.personLow());
        return before - seen.asMap().size();
    }

    /** Salted hashes: of the sender alone (to find her entries) and of sender and timestamp. */
    private Key key(String sender, Long timestamp) {
        MessageDigest sha = sha256();
        sha.update(salt);
        sha.update(sender.getBytes(StandardCharsets.UTF_8));
        ByteBuffer person = ByteBuffer.wrap(sha.digest());
        if (timestamp == null) return new Key(person.getLong(), person.getLong(), 0, 0);
        sha.update(salt);
        sha.update(sender.getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
        sha.update(ByteBuffer.allocate(Long.BYTES).putLong(timestamp).array());
        ByteBuffer message = ByteBuffer.wrap(sha.digest());
        return new Key(person.getLong(), person.getLong(), message.getLong(), message.getLong());
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    private record Key(long personHigh, long personLow, long high, long low) {
    }
}
