package org.dari.store;

import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;

/**
 * AES-256-GCM with a fresh random 12-byte nonce per value. Format: version byte (1) || nonce ||
 * ciphertext and 16-byte tag. The associated data binds the value to its purpose, table and row
 * (e.g. the pseudonym), so a ciphertext copied to another row or person does not open.
 *
 * <p>Version 2 pads the plaintext before sealing (a 0x80 byte, then zeros) to a size bucket: steps
 * of 256 bytes up to 4 KiB, then powers of two. Answers are public, so an exact length would tell
 * which answer a person got; within a bucket all lengths are equal. Version 1 (unpadded) still opens.
 *
 * <p>Version 3 is version 2 sealed under a per-day data key ({@link PeriodKeys}): version byte (3) ||
 * the UTC epoch day of the key (4 bytes, big-endian, in the clear and bound as associated data) ||
 * nonce || ciphertext and tag. The day tells {@link RowKeys} which key opens the value and the vault
 * which days' keys are still needed; it is as coarse as the stored times.
 */
public final class Sealer {
    static final byte VERSION = 2;
    static final byte UNPADDED_VERSION = 1;
    static final byte PERIOD_VERSION = 3;
    static final int PERIOD_HEADER = 1 + 4;
    /** {@link #period} for a sealer under a key derived from the master key (versions 1 and 2) */
    static final int NO_PERIOD = -1;
    static final int BUCKET_STEP = 256;
    static final int STEPPED_UP_TO = 4096;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int OVERHEAD = 1 + NONCE_LENGTH + TAG_LENGTH;

    private final KeyPurpose purpose;
    private final byte[] key;
    private final SecureRandom random;
    private final int period;

    Sealer(KeyPurpose purpose, byte[] key, SecureRandom random) {
        this(purpose, key, random, NO_PERIOD);
    }

    /** A sealer for version 3 values under the data key of UTC epoch day {@code period}. */
    Sealer(KeyPurpose purpose, byte[] key, SecureRandom random, int period) {
        this.purpose = purpose;
        this.key = key;
        this.random = random;
        this.period = period;
    }

    /**
     * The UTC epoch day whose data key sealed {@code sealed}, or {@link #NO_PERIOD} for a value sealed
     * under a master-derived key (or one too short to say).
     */
    static int periodOf(byte[] sealed) {
        if (sealed == null || sealed.length < PERIOD_HEADER || sealed[0] != PERIOD_VERSION) return NO_PERIOD;
        return ByteBuffer.wrap(sealed, 1, 4).getInt();
    }

    public byte[] seal(byte[] plaintext, String table, byte[]... rowKey) {
        int header = period == NO_PERIOD ? 1 : PERIOD_HEADER;
        byte[] padded = pad(plaintext);
        try {
            byte[] sealed = new byte[header + NONCE_LENGTH + padded.length + TAG_LENGTH];
            ByteBuffer head = ByteBuffer.wrap(sealed);
            if (period == NO_PERIOD) head.put(VERSION);
            else head.put(PERIOD_VERSION).putInt(period);
            byte[] nonce = new byte[NONCE_LENGTH];
            random.nextBytes(nonce);
            head.put(nonce);
            Cipher cipher = aesGcm(Cipher.ENCRYPT_MODE, key, nonce, 0, associatedData(table, rowKey));
            cipher.doFinal(padded, 0, padded.length, sealed, header + NONCE_LENGTH);
            return sealed;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        } finally {
            java.util.Arrays.fill(padded, (byte) 0);
        }
    }

    /** Opens a sealed value, or throws {@link VaultException} (wrong key, tampering, truncation). */
    public byte[] open(byte[] sealed, String table, byte[]... rowKey) {
        int header = period == NO_PERIOD ? 1 : PERIOD_HEADER;
        boolean known = period == NO_PERIOD
                ? sealed != null && sealed.length > 0 && (sealed[0] == VERSION || sealed[0] == UNPADDED_VERSION)
                : periodOf(sealed) == period;
        if (!known || sealed.length < header + OVERHEAD - 1) throw VaultException.unreadable(null);
        int body = header + NONCE_LENGTH;
        try {
            Cipher cipher = aesGcm(Cipher.DECRYPT_MODE, key, sealed, header, associatedData(table, rowKey));
            byte[] plain = cipher.doFinal(sealed, body, sealed.length - body);
            return sealed[0] == UNPADDED_VERSION ? plain : unpad(plain);
        } catch (GeneralSecurityException e) {
            throw VaultException.unreadable(e);
        }
    }

    /** The padded length for a plaintext of {@code length} bytes (at least one byte of padding). */
    static int bucket(int length) {
        int needed = length + 1;
        if (needed <= STEPPED_UP_TO) return (needed + BUCKET_STEP - 1) / BUCKET_STEP * BUCKET_STEP;
        return Integer.highestOneBit(needed - 1) << 1;
    }

    private static byte[] pad(byte[] plaintext) {
        byte[] padded = new byte[bucket(plaintext.length)];
        System.arraycopy(plaintext, 0, padded, 0, plaintext.length);
        padded[plaintext.length] = (byte) 0x80;
        return padded;
    }

    private static byte[] unpad(byte[] padded) {
        int end = padded.length - 1;
        while (end >= 0 && padded[end] == 0) end--;
        if (end < 0 || padded[end] != (byte) 0x80) {
            java.util.Arrays.fill(padded, (byte) 0);
            throw VaultException.unreadable(null);
        }
        byte[] plain = java.util.Arrays.copyOf(padded, end);
        java.util.Arrays.fill(padded, (byte) 0);
        return plain;
    }

    private byte[] associatedData(String table, byte[]... rowKey) {
        int extra = period == NO_PERIOD ? 0 : 1;
        byte[][] parts = new byte[2 + extra + rowKey.length][];
        parts[0] = purpose.label().getBytes(StandardCharsets.UTF_8);
        parts[1] = table.getBytes(StandardCharsets.UTF_8);
        if (extra == 1) parts[2] = ByteBuffer.allocate(4).putInt(period).array();
        System.arraycopy(rowKey, 0, parts, 2 + extra, rowKey.length);
        return KeyedHash.lengthPrefixed(parts);
    }

    static byte[] aesGcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) throws GeneralSecurityException {
        return aesGcm(mode, key, nonce, 0, aad).doFinal(input);
    }

    /** A cipher ready for one value, its nonce the {@link #NONCE_LENGTH} bytes of {@code in} at {@code at}. */
    private static Cipher aesGcm(int mode, byte[] key, byte[] in, int at, byte[] aad) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, in, at, NONCE_LENGTH));
        cipher.updateAAD(aad);
        return cipher;
    }

    /** Overwrites the key with zeros (its period key was destroyed); the sealer must not be used again. */
    void wipe() {
        java.util.Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "Sealer[" + purpose + "]";
    }
}
