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
 */
public final class Sealer {
    static final byte VERSION = 2;
    static final byte UNPADDED_VERSION = 1;
    static final int BUCKET_STEP = 256;
    static final int STEPPED_UP_TO = 4096;
    static final int NONCE_LENGTH = 12;
    static final int TAG_LENGTH = 16;
    static final int OVERHEAD = 1 + NONCE_LENGTH + TAG_LENGTH;

    private final KeyPurpose purpose;
    private final byte[] key;
    private final SecureRandom random;

    Sealer(KeyPurpose purpose, byte[] key, SecureRandom random) {
        this.purpose = purpose;
        this.key = key;
        this.random = random;
    }

    public byte[] seal(byte[] plaintext, String table, byte[]... rowKey) {
        byte[] nonce = new byte[NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            byte[] padded = pad(plaintext);
            byte[] body;
            try {
                body = aesGcm(Cipher.ENCRYPT_MODE, key, nonce, associatedData(table, rowKey), padded);
            } finally {
                java.util.Arrays.fill(padded, (byte) 0);
            }
            return ByteBuffer.allocate(1 + NONCE_LENGTH + body.length).put(VERSION).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens a sealed value, or throws {@link VaultException} (wrong key, tampering, truncation). */
    public byte[] open(byte[] sealed, String table, byte[]... rowKey) {
        if (sealed == null || sealed.length < OVERHEAD || (sealed[0] != VERSION && sealed[0] != UNPADDED_VERSION)) {
            throw VaultException.unreadable(null);
        }
        ByteBuffer in = ByteBuffer.wrap(sealed, 1, sealed.length - 1);
        byte[] nonce = new byte[NONCE_LENGTH];
        in.get(nonce);
        byte[] body = new byte[in.remaining()];
        in.get(body);
        try {
            byte[] plain = aesGcm(Cipher.DECRYPT_MODE, key, nonce, associatedData(table, rowKey), body);
            return sealed[0] == VERSION ? unpad(plain) : plain;
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
        byte[][] parts = new byte[2 + rowKey.length][];
        parts[0] = purpose.label().getBytes(StandardCharsets.UTF_8);
        parts[1] = table.getBytes(StandardCharsets.UTF_8);
        System.arraycopy(rowKey, 0, parts, 2, rowKey.length);
        return KeyedHash.lengthPrefixed(parts);
    }

    static byte[] aesGcm(int mode, byte[] key, byte[] nonce, byte[] aad, byte[] input) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, new SecretKeySpec(key, "AES"), new GCMParameterSpec(TAG_LENGTH * 8, nonce));
        cipher.updateAAD(aad);
        return cipher.doFinal(input);
    }

    @Override
    public String toString() {
        return "Sealer[" + purpose + "]";
    }
}
