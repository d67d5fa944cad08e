package org.dari.referral;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.KeyFlag;
import org.pgpainless.key.generation.KeySpec;
import org.pgpainless.key.generation.type.KeyType;
import org.pgpainless.key.generation.type.eddsa_legacy.EdDSALegacyCurve;
import org.pgpainless.key.generation.type.rsa.RsaLength;
import org.pgpainless.key.generation.type.xdh_legacy.XDHLegacySpec;
import org.pgpainless.key.protection.SecretKeyRingProtector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;

/** Keys for tests, made at test time with PGPainless; the demo organisation's keys come from config/demo/. */
final class TestKeys {
    static final Path HOME = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize();
    static final Path DEMO_PUBLIC = HOME.resolve("config/demo/demo-organisation.asc");
    static final Path DEMO_SECRET = HOME.resolve("config/demo/demo-organisation.SECRET-DEMO-ONLY.asc");
    static final Path REGISTRY = HOME.resolve("config/organisations.yaml");

    private TestKeys() {
    }

    static PGPSecretKeyRing demoSecret() throws Exception {
        return PGPainless.readKeyRing().secretKeyRing(Files.readAllBytes(DEMO_SECRET));
    }

    static PGPPublicKeyRing demoPublic() throws Exception {
        return PGPainless.readKeyRing().publicKeyRing(Files.readAllBytes(DEMO_PUBLIC));
    }

    static PGPSecretKeyRing curve25519(String userId) throws Exception {
        return BotSigningKey.generateCurve25519(userId);
    }

    /** Curve25519 key that expires at {@code expires}. */
    static PGPSecretKeyRing expiring(Instant expires) throws Exception {
        return PGPainless.buildKeyRing()
                .setPrimaryKey(KeySpec.getBuilder(KeyType.EDDSA_LEGACY(EdDSALegacyCurve._Ed25519), KeyFlag.CERTIFY_OTHER).build())
                .addSubkey(KeySpec.getBuilder(KeyType.XDH_LEGACY(XDHLegacySpec._X25519), KeyFlag.ENCRYPT_COMMS, KeyFlag.ENCRYPT_STORAGE).build())
                .addUserId("expiring <expiring@example.invalid>")
                .setExpirationDate(Date.from(expires))
                .build();
    }

    /** Signs, but has no encryption subkey. */
    static PGPSecretKeyRing signOnly() throws Exception {
        return PGPainless.buildKeyRing()
                .setPrimaryKey(KeySpec.getBuilder(KeyType.EDDSA_LEGACY(EdDSALegacyCurve._Ed25519), KeyFlag.CERTIFY_OTHER).build())
                .addSubkey(KeySpec.getBuilder(KeyType.EDDSA_LEGACY(EdDSALegacyCurve._Ed25519), KeyFlag.SIGN_DATA).build())
                .addUserId("sign only <sign-only@example.invalid>")
                .setExpirationDate(null)
                .build();
    }

    static PGPSecretKeyRing rsa(RsaLength length) throws Exception {
        return PGPainless.generateKeyRing().rsaKeyRing("rsa <rsa@example.invalid>", length);
    }

    static PGPSecretKeyRing revoked() throws Exception {
        PGPSecretKeyRing key = curve25519("revoked <revoked@example.invalid>");
        return PGPainless.modifyKeyRing(key).revoke(SecretKeyRingProtector.unprotectedKeys()).done();
    }

    static PGPPublicKeyRing certificate(PGPSecretKeyRing secret) {
        return PGPainless.extractCertificate(secret);
    }

    static Path writePublic(Path dir, String name, PGPSecretKeyRing secret) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, PGPainless.asciiArmor(certificate(secret)));
        return file;
    }

    static Path writeSecret(Path dir, String name, PGPSecretKeyRing secret) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, PGPainless.asciiArmor(secret));
        return file;
    }

    static String fingerprint(PGPSecretKeyRing key) {
        return KeyCheck.fingerprint(key.getPublicKey());
    }
}
