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
 */
public final class Sealer {
    static final byte VERSION = 1;
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
            byte[] body = aesGcm(Cipher.ENCRYPT_MODE, key, nonce, associatedData(table, rowKey), plaintext);
            return ByteBuffer.allocate(1 + NONCE_LENGTH + body.length).put(VERSION).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** Opens a sealed value, or throws {@link VaultException} (wrong key, tampering, truncation). */
    public byte[] open(byte[] sealed, String table, byte[]... rowKey) {
        if (sealed == null || sealed.length < OVERHEAD || sealed[0] != VERSION) throw VaultException.unreadable(null);
        ByteBuffer in = ByteBuffer.wrap(sealed, 1, sealed.length - 1);
        byte[] nonce = new byte[NONCE_LENGTH];
        in.get(nonce);
        byte[] body = new byte[in.remaining()];
        in.get(body);
        try {
            return aesGcm(Cipher.DECRYPT_MODE, key, nonce, associatedData(table, rowKey), body);
        } catch (GeneralSecurityException e) {
            throw VaultException.unreadable(e);
        }
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
