package org.dari.store;

import org.bouncycastle.crypto.digests.SHA256Digest;
import org.bouncycastle.crypto.generators.HKDFBytesGenerator;
import org.bouncycastle.crypto.params.HKDFParameters;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;

/**
 * The subkeys derived from one master key with HKDF-SHA256 (RFC 5869, no salt: the master key is
 * already uniformly random), info {@code dari/v1/<purpose>}. Keyed indexes (deduplication and
 * idempotency keys) use a separate key, info {@code dari/v1/<purpose>/index}, so no key serves both
 * AES-GCM and HMAC. The master key may be closed once the ring exists; {@link #close()} wipes the
 * subkeys.
 */
public final class KeyRing implements AutoCloseable {
    private final Map<KeyPurpose, byte[]> subkeys = new EnumMap<>(KeyPurpose.class);
    private final Map<KeyPurpose, byte[]> indexKeys = new EnumMap<>(KeyPurpose.class);
    private final Map<KeyPurpose, Sealer> sealers = new EnumMap<>(KeyPurpose.class);
    private final Map<KeyPurpose, KeyedHash> indexes = new EnumMap<>(KeyPurpose.class);
    private final Pseudonyms pseudonyms;
    private volatile boolean closed;

    public KeyRing(MasterKey master) {
        byte[] ikm = master.material();
        SecureRandom random = new SecureRandom();
        for (KeyPurpose purpose : KeyPurpose.values()) {
            byte[] subkey = hkdf(ikm, null, purpose.label().getBytes(StandardCharsets.UTF_8), 32);
            byte[] indexKey = hkdf(ikm, null, (purpose.label() + "/index").getBytes(StandardCharsets.UTF_8), 32);
            subkeys.put(purpose, subkey);
            indexKeys.put(purpose, indexKey);
            // the pseudonym key only ever keys HMAC: no AES-GCM sealer is made from it
            // the period wrap key only wraps period keys, in its own format (PeriodKeys): no row sealer either
            if (purpose != KeyPurpose.PSEUDONYM && purpose != KeyPurpose.PERIOD_WRAP) sealers.put(purpose, new Sealer(purpose, subkey, random));
            indexes.put(purpose, new KeyedHash(indexKey));
        }
        pseudonyms = new Pseudonyms(subkeys.get(KeyPurpose.PSEUDONYM));
    }

    public Pseudonyms pseudonyms() {
        requireOpen();
        return pseudonyms;
    }

    public Sealer sealer(KeyPurpose purpose) {
        requireOpen();
        Sealer sealer = sealers.get(purpose);
        if (sealer == null) throw new IllegalArgumentException("no sealer for " + purpose);
        return sealer;
    }

    KeyedHash index(KeyPurpose purpose) {
        requireOpen();
        return indexes.get(purpose);
    }

    byte[] subkey(KeyPurpose purpose) {
        requireOpen();
        return subkeys.get(purpose);
    }

    @Override
    public void close() {
        closed = true;
        subkeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
        indexKeys.values().forEach(k -> Arrays.fill(k, (byte) 0));
    }

    @Override
    public String toString() {
        return "KeyRing[redacted]";
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("key ring is closed");
    }

    static byte[] hkdf(byte[] ikm, byte[] salt, byte[] info, int length) {
        HKDFBytesGenerator generator = new HKDFBytesGenerator(new SHA256Digest());
        generator.init(new HKDFParameters(ikm, salt, info));
        byte[] out = new byte[length];
        generator.generateBytes(out, 0, length);
        return out;
    }
}
