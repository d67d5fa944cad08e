package org.dari.referral;

import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgpainless.key.generation.type.rsa.RsaLength;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KeyCheckTest {
    private static final String DEMO_FINGERPRINT = DemoOrganisation.FINGERPRINT;

    @TempDir
    Path dir;

    private static Clock at(Instant instant) {
        return Clock.fixed(instant, ZoneOffset.UTC);
    }

    private static void assertRejected(KeyCheck.Result result, String reason) {
        assertFalse(result.ok(), "must be rejected: " + reason);
        assertTrue(result.ring().isEmpty());
        assertTrue(result.errors().stream().anyMatch(e -> e.contains(reason)), reason + " in " + result.errors());
    }

    @Test
    void theDemoKeyIsAcceptedWithItsPinnedFingerprintInAnySpacingOrCase() {
        String spaced = "aa0b 9ce7 7234 3521 9770  b06a 5bdc 657a cef3 fcaa";
        KeyCheck.Result result = KeyCheck.check(TestKeys.DEMO_PUBLIC, Optional.of(spaced), Clock.systemUTC());
        assertTrue(result.ok(), result.errors().toString());
        assertEquals(DEMO_FINGERPRINT, result.fingerprint());
        assertEquals("Ed25519 + Cv25519", result.algorithm());
        assertEquals(Optional.empty(), result.expires());
        assertTrue(result.warnings().isEmpty());
    }

    @Test
    void aFingerprintThatDoesNotMatchThePinnedOneIsRejected() throws Exception {
        String other = TestKeys.fingerprint(TestKeys.curve25519("other <other@example.invalid>"));
        assertRejected(KeyCheck.check(TestKeys.DEMO_PUBLIC, Optional.of(other), Clock.systemUTC()), "does not match the pinned");
        // one changed digit is enough
        String oneOff = DEMO_FINGERPRINT.substring(0, 39) + (DEMO_FINGERPRINT.endsWith("A") ? "B" : "A");
        assertRejected(KeyCheck.check(TestKeys.DEMO_PUBLIC, Optional.of(oneOff), Clock.systemUTC()), "does not match the pinned");
        // a short key id is not a pin
        assertRejected(KeyCheck.check(TestKeys.DEMO_PUBLIC, Optional.of(DEMO_FINGERPRINT.substring(24)), Clock.systemUTC()),
                "not 40 hex digits");
    }

    @Test
    void aSecretKeyGivenAsPublicIsRejected() {
        KeyCheck.Result result = KeyCheck.check(TestKeys.DEMO_SECRET, Optional.of(DEMO_FINGERPRINT), Clock.systemUTC());
        assertRejected(result, "SECRET key material");
        assertTrue(result.errors().stream().noneMatch(e -> e.contains("BEGIN PGP")), "no key material in messages");
    }

    @Test
    void anRsa2048KeyIsRejectedAndRsa3072Accepted() throws Exception {
        PGPSecretKeyRing weak = TestKeys.rsa(RsaLength._2048);
        KeyCheck.Result result = KeyCheck.check(TestKeys.writePublic(dir, "rsa2048.asc", weak), Optional.empty(), Clock.systemUTC());
        assertRejected(result, "RSA-2048 is not accepted");

        PGPSecretKeyRing strong = TestKeys.rsa(RsaLength._3072);
        KeyCheck.Result ok = KeyCheck.check(TestKeys.writePublic(dir, "rsa3072.asc", strong),
                Optional.of(TestKeys.fingerprint(strong)), Clock.systemUTC());
        assertTrue(ok.ok(), ok.errors().toString());
        assertTrue(ok.algorithm().startsWith("RSA-3072"), ok.algorithm());
    }

    @Test
    void anExpiredKeyIsRejectedAndOneAboutToExpireWarns() throws Exception {
        Instant now = Instant.now();
        Instant expires = now.plus(Duration.ofDays(10));
        Path file = TestKeys.writePublic(dir, "expiring.asc", TestKeys.expiring(expires));

        KeyCheck.Result soon = KeyCheck.check(file, Optional.empty(), at(now));
        assertTrue(soon.ok(), soon.errors().toString());
        assertTrue(soon.expires().isPresent());
        assertEquals(1, soon.warnings().size(), soon.warnings().toString());
        assertTrue(soon.warnings().get(0).contains("expires in 9 days") || soon.warnings().get(0).contains("expires in 10 days"),
                soon.warnings().get(0));

        KeyCheck.Result later = KeyCheck.check(file, Optional.empty(), at(now.plus(Duration.ofDays(11))));
        assertRejected(later, "expired");

    }

    @Test
    void aRevokedKeyIsRejected() throws Exception {
        Path file = TestKeys.writePublic(dir, "revoked.asc", TestKeys.revoked());
        assertRejected(KeyCheck.check(file, Optional.empty(), Clock.systemUTC()), "revoked");
    }

    @Test
    void aKeyWithoutAnEncryptionSubkeyIsRejected() throws Exception {
        Path file = TestKeys.writePublic(dir, "sign-only.asc", TestKeys.signOnly());
        assertRejected(KeyCheck.check(file, Optional.empty(), Clock.systemUTC()), "no usable encryption subkey");
    }

    @Test
    void garbageMissingAndSeveralKeysAreRejected() throws Exception {
        Path garbage = dir.resolve("garbage.asc");
        Files.writeString(garbage, "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nnot a key\n-----END PGP PUBLIC KEY BLOCK-----\n");
        assertFalse(KeyCheck.check(garbage, Optional.empty(), Clock.systemUTC()).ok());
        assertRejected(KeyCheck.check(dir.resolve("missing.asc"), Optional.empty(), Clock.systemUTC()), "not found");

        Path two = dir.resolve("two.asc");
        Files.writeString(two, Files.readString(TestKeys.DEMO_PUBLIC)
                + Files.readString(TestKeys.writePublic(dir, "other.asc", TestKeys.curve25519("o <o@example.invalid>"))));
        assertRejected(KeyCheck.check(two, Optional.empty(), Clock.systemUTC()), "holds 2 keys");
    }
}
