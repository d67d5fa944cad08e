package org.dari.store;

import org.junit.jupiter.api.Test;

import javax.crypto.Cipher;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.dari.store.TestSupport.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** The primitives against published vectors, and our derivations against values computed independently in Python. */
class CryptoKnownAnswerTest {

    @Test
    void hkdfMatchesRfc5869TestCase1() {
        byte[] okm = KeyRing.hkdf(hex("0b".repeat(22)), hex("000102030405060708090a0b0c"),
                hex("f0f1f2f3f4f5f6f7f8f9"), 42);
        assertArrayEquals(hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865"), okm);
    }

    @Test
    void hkdfMatchesRfc5869TestCase3WithoutSalt() {
        byte[] okm = KeyRing.hkdf(hex("0b".repeat(22)), null, new byte[0], 42);
        assertArrayEquals(hex("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8"), okm);
    }

    @Test
    void hmacMatchesRfc4231TestCase2() {
        byte[] mac = Hmac.sha256("Jefe".getBytes(StandardCharsets.US_ASCII),
                "what do ya want for nothing?".getBytes(StandardCharsets.US_ASCII));
        assertArrayEquals(hex("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"), mac);
    }

    @Test
    void aesGcmMatchesGcmSpecTestCases14And16() throws Exception {
        byte[] out14 = Sealer.aesGcm(Cipher.ENCRYPT_MODE, new byte[32], new byte[12], new byte[0], new byte[16]);
        assertArrayEquals(hex("cea7403d4d606b6e074ec5d3baf39d18" + "d0d1c8a799996bf0265b98b5d48ab919"), out14);

        byte[] out16 = Sealer.aesGcm(Cipher.ENCRYPT_MODE,
                hex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308"),
                hex("cafebabefacedbaddecaf888"), hex("feedfacedeadbeeffeedfacedeadbeefabaddad2"),
                hex("d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39"));
        assertArrayEquals(hex("522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662"
                + "76fc6ece0f4e1768cddf8853bb2d551b"), out16);
    }

    /** Frozen: changing how keys or pseudonyms are derived would orphan every existing database. */
    @Test
    void subkeysAndPseudonymsAreDerivedAsDocumented() {
        try (MasterKey master = MasterKey.of(range32()); KeyRing ring = new KeyRing(master)) {
            assertArrayEquals(hex("12a545c6e07a1e53da21b3be9aa002232d463b882ee8c664056b10867414a41c"),
                    ring.subkey(KeyPurpose.PSEUDONYM));
            byte[] pseudonym = ring.pseudonyms().of("c4n4ry00-7731-4c4e-8a11-00000000c4n4");
            assertEquals(Pseudonyms.LENGTH, pseudonym.length);
            assertArrayEquals(hex("1fbdc1b97387acfda6f384de8eddd638fb3d233d6532db6f06a3023cfa40987f"), pseudonym);
            assertArrayEquals(pseudonym, ring.pseudonyms().of("C4N4RY00-7731-4C4E-8A11-00000000C4N4"));
        }
    }

    /** A value sealed by Python's `cryptography` with our documented format and associated data opens here. */
    @Test
    void sealerFormatMatchesAnIndependentImplementation() {
        byte[] sealed = hex("016465666768696a6b6c6d6e6f3ddd9fe0213de77b40d60703fbc809d8966e5b24668548173c383993");
        try (MasterKey master = MasterKey.of(range32()); KeyRing ring = new KeyRing(master)) {
            byte[] plain = ring.sealer(KeyPurpose.JOURNAL).open(sealed, "journal", "row-1".getBytes(StandardCharsets.UTF_8));
            assertEquals("카나리아", new String(plain, StandardCharsets.UTF_8));
        }
    }

    /**
     * Sealing (versions 2 and 3), checked byte for byte against Bouncy Castle's own GCM (not the JDK's)
     * over the documented layout: version, the day for version 3, nonce, then the padded plaintext
     * (0x80, zeros to 256 bytes) encrypted with the length-prefixed purpose, table, day and row as
     * associated data.
     */
    @Test
    void sealingWritesTheDocumentedLayout() throws Exception {
        byte[] key = range32();
        byte[] nonce = hex("6465666768696a6b6c6d6e6f");
        byte[] plain = "카나리아".getBytes(StandardCharsets.UTF_8);
        byte[] row = "row-1".getBytes(StandardCharsets.UTF_8);
        byte[] padded = new byte[256];
        System.arraycopy(plain, 0, padded, 0, plain.length);
        padded[plain.length] = (byte) 0x80;
        byte[] label = "dari/v1/journal".getBytes(StandardCharsets.UTF_8);
        byte[] table = "journal".getBytes(StandardCharsets.UTF_8);
        byte[] day = {0, 0, 0x4f, 0x1a};

        byte[] v2 = new Sealer(KeyPurpose.JOURNAL, key.clone(), fixed(nonce)).seal(plain, "journal", row);
        assertArrayEquals(concat(new byte[] {2}, nonce, bouncyGcm(key, nonce, prefixed(label, table, row), padded)), v2);

        byte[] v3 = new Sealer(KeyPurpose.JOURNAL, key.clone(), fixed(nonce), 0x4f1a).seal(plain, "journal", row);
        assertArrayEquals(concat(new byte[] {3}, day, nonce, bouncyGcm(key, nonce, prefixed(label, table, day, row), padded)), v3);

        assertArrayEquals(plain, new Sealer(KeyPurpose.JOURNAL, key.clone(), new java.security.SecureRandom()).open(v2, "journal", row));
        assertArrayEquals(plain, new Sealer(KeyPurpose.JOURNAL, key.clone(), new java.security.SecureRandom(), 0x4f1a)
                .open(v3, "journal", row));
    }

    private static java.security.SecureRandom fixed(byte[] bytes) {
        return new java.security.SecureRandom() {
            @Override
            public void nextBytes(byte[] out) {
                assertEquals(bytes.length, out.length);
                System.arraycopy(bytes, 0, out, 0, out.length);
            }
        };
    }

    private static byte[] bouncyGcm(byte[] key, byte[] nonce, byte[] aad, byte[] plain) throws Exception {
        var gcm = org.bouncycastle.crypto.modes.GCMBlockCipher.newInstance(org.bouncycastle.crypto.engines.AESEngine.newInstance());
        gcm.init(true, new org.bouncycastle.crypto.params.AEADParameters(
                new org.bouncycastle.crypto.params.KeyParameter(key), 128, nonce, aad));
        byte[] out = new byte[gcm.getOutputSize(plain.length)];
        int n = gcm.processBytes(plain, 0, plain.length, out, 0);
        gcm.doFinal(out, n);
        return out;
    }

    private static byte[] prefixed(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(new byte[] {(byte) (part.length >>> 24), (byte) (part.length >>> 16), (byte) (part.length >>> 8), (byte) part.length});
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }

    @Test
    void purposesHaveDistinctKeys() {
        try (MasterKey master = MasterKey.generate(); KeyRing ring = new KeyRing(master)) {
            for (KeyPurpose a : KeyPurpose.values()) {
                for (KeyPurpose b : KeyPurpose.values()) {
                    if (a != b) assertEquals(false, Arrays.equals(ring.subkey(a), ring.subkey(b)), a + " vs " + b);
                }
            }
            assertEquals("dari/v1/key_check", KeyPurpose.KEY_CHECK.label());
        }
    }

    private static byte[] range32() {
        byte[] b = new byte[32];
        for (int i = 0; i < 32; i++) b[i] = (byte) i;
        return b;
    }
}
