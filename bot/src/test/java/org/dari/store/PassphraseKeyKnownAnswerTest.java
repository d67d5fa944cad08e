package org.dari.store;

import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;
import org.bouncycastle.util.encoders.Hex;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** Known answers for the passphrase key: the generator against RFC 9106, our derivation against libargon2. */
class PassphraseKeyKnownAnswerTest {

    /** RFC 9106 section 5.3, the Argon2id test vector (with secret and associated data). */
    @Test
    void bouncyCastleArgon2idMatchesTheRfc9106TestVector() {
        byte[] password = filled(32, 0x01);
        Argon2Parameters parameters = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_id)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withMemoryAsKB(32).withIterations(3).withParallelism(4)
                .withSalt(filled(16, 0x02)).withSecret(filled(8, 0x03)).withAdditional(filled(12, 0x04))
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(parameters);
        byte[] tag = new byte[32];
        generator.generateBytes(password, tag);
        assertEquals("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659", Hex.toHexString(tag));
    }

    /**
     * Our parameters (64 MiB, 3 passes, 1 lane, version 0x13, 32 bytes, UTF-8 passphrase), computed
     * independently with the reference C implementation through argon2-cffi:
     * {@code hash_secret_raw(b'correct horse battery staple', bytes(range(16)), time_cost=3,
     * memory_cost=65536, parallelism=1, hash_len=32, type=Type.ID, version=19)}. With one pass the
     * answer would be ddb47644…; any change of parameters makes every existing database unreadable.
     */
    @Test
    void ourDerivationMatchesAnIndependentlyComputedKey() {
        byte[] salt = new byte[16];
        for (int i = 0; i < salt.length; i++) salt[i] = (byte) i;
        try (MasterKey key = PassphraseKey.derive("correct horse battery staple".toCharArray(), salt)) {
            assertArrayEquals(Hex.decode("0d1a3c6523c8f06e4e0af9c515aa5b5448cfebd6838f2d52c3d8b6ef8ddc3c2e"),
                    key.material());
        }
    }

    private static byte[] filled(int length, int value) {
        byte[] out = new byte[length];
        Arrays.fill(out, (byte) value);
        return out;
    }
}
