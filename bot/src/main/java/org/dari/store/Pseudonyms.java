package org.dari.store;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * How the store knows a person: {@code HMAC-SHA256(pseudonym key, Signal UUID)}, 32 bytes. Without
 * the key it cannot be linked to the UUID. The id is lower-cased first, since a UUID may be spelled
 * in either case and must always map to the same person.
 */
public final class Pseudonyms {
    public static final int LENGTH = 32;

    private final byte[] key;

    Pseudonyms(byte[] key) {
        this.key = key;
    }

    public byte[] of(String signalId) {
        if (signalId == null || signalId.isBlank()) throw new IllegalArgumentException("sender is empty");
        return Hmac.sha256(key, signalId.toLowerCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Pseudonyms[redacted]";
    }
}
