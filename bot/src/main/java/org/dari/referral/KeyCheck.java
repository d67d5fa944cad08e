package org.dari.referral;

import org.bouncycastle.bcpg.ECPublicBCPGKey;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.util.encoders.Hex;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.EncryptionPurpose;
import org.pgpainless.algorithm.KeyFlag;
import org.pgpainless.encryption_signing.EncryptionOptions;
import org.pgpainless.key.collection.PGPKeyRingCollection;
import org.pgpainless.key.info.KeyRingInfo;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks one organisation's OpenPGP public key file: exactly one v4 certificate, no secret key
 * material, not revoked or expired, an encryption subkey that is usable now, RSA of at least 3072
 * bits or Curve25519 throughout, and (when given) the fingerprint pinned in the registry. A key
 * that expires within {@link #EXPIRY_WARNING} passes with a warning. Messages name fingerprints and
 * algorithms, never key material.
 */
public final class KeyCheck {
    public static final Duration EXPIRY_WARNING = Duration.ofDays(30);
    static final int MIN_RSA_BITS = 3072;
    static final long MAX_FILE_BYTES = 1 << 20;
    private static final String ED25519_OID = "1.3.6.1.4.1.11591.15.1";
    private static final String CURVE25519_OID = "1.3.6.1.4.1.3029.1.5.1";

    private KeyCheck() {
    }

    /**
     * @param ring        the certificate, when the file held exactly one public key
     * @param fingerprint 40 upper-case hex digits, or "" when the file could not be read
     * @param algorithm   e.g. "Ed25519 + Cv25519" or "RSA-4096"
     */
    public record Result(Optional<PGPPublicKeyRing> ring, String fingerprint, Optional<Instant> expires, String algorithm,
                         List<String> errors, List<String> warnings) {
        public Result {
            errors = List.copyOf(errors);
            warnings = List.copyOf(warnings);
        }

        public boolean ok() {
            return errors.isEmpty() && ring.isPresent();
        }

        @Override
        public String toString() {
            return "KeyCheck.Result[" + fingerprint + ", " + algorithm + ", errors=" + errors + ", warnings=" + warnings + "]";
        }
    }

    public static Result check(Path file, Optional<String> pinnedFingerprint, Clock clock) {
        byte[] content;
        try {
            if (!Files.isRegularFile(file)) return failed("key file not found: " + file);
            if (Files.size(file) > MAX_FILE_BYTES) return failed("key file is too large to be one public key: " + file);
            content = Files.readAllBytes(file);
        } catch (IOException e) {
            return failed("key file cannot be read: " + file);
        }
        return check(content, pinnedFingerprint, clock);
    }

    public static Result check(byte[] content, Optional<String> pinnedFingerprint, Clock clock) {
        PGPKeyRingCollection rings;
        try {
            rings = new PGPKeyRingCollection(content, false);
        } catch (Exception e) { // the Kotlin library throws checked exceptions undeclared
            return failed("not an OpenPGP public key (the file cannot be parsed)");
        }
        if (rings.getPGPSecretKeyRingCollection().size() > 0) {
            return failed("the file holds SECRET key material: give the public key only (gpg --armor --export FINGERPRINT), and treat this secret key as exposed");
        }
        if (rings.getPgpPublicKeyRingCollection().size() != 1) {
            return failed(rings.getPgpPublicKeyRingCollection().size() == 0 ? "no OpenPGP public key in the file"
                    : "the file holds " + rings.getPgpPublicKeyRingCollection().size() + " keys; give exactly one");
        }
        PGPPublicKeyRing ring = rings.getPgpPublicKeyRingCollection().getKeyRings().next();
        return check(ring, pinnedFingerprint, clock);
    }

    static Result check(PGPPublicKeyRing ring, Optional<String> pinnedFingerprint, Clock clock) {
        List<String> errors = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        PGPPublicKey primary = ring.getPublicKey();
        String fingerprint = fingerprint(primary);
        String algorithm = describe(primary);
        Optional<Instant> expires = Optional.empty();

        if (primary.getVersion() != 4) errors.add("key version " + primary.getVersion() + " is not accepted: only v4 keys work with GnuPG 2.2");
        if (pinnedFingerprint.isPresent()) {
            String pinned = normalizeFingerprint(pinnedFingerprint.get());
            if (!pinned.matches("[0-9A-F]{40}")) {
                errors.add("the pinned fingerprint is not 40 hex digits");
            } else if (!pinned.equals(fingerprint)) {
                errors.add("fingerprint " + fingerprint + " does not match the pinned " + pinned + ": wrong or replaced key");
            }
        }
        if (!strong(primary, false)) {
            errors.add("primary key " + algorithm + " is not accepted: use RSA of at least " + MIN_RSA_BITS + " bits or Curve25519");
        }

        Instant now = clock.instant();
        try {
            KeyRingInfo info = PGPainless.inspectKeyRing(ring, Date.from(now));
            if (!info.getRevocationState().isNotRevoked()) errors.add("the key is revoked");
            Date primaryExpiry = info.getPrimaryKeyExpirationDate();
            if (primaryExpiry != null && !primaryExpiry.toInstant().isAfter(now)) {
                errors.add("the key expired on " + day(primaryExpiry.toInstant()));
            }
            List<PGPPublicKey> encryption = info.getEncryptionSubkeys(EncryptionPurpose.ANY);
            if (encryption.isEmpty()) {
                errors.add("the key has no usable encryption subkey (none, or all expired or revoked)");
            }
            StringBuilder subkeys = new StringBuilder();
            for (PGPPublicKey key : encryption) {
                if (key.getKeyID() != primary.getKeyID()) subkeys.append(subkeys.length() == 0 ? " + " : ", ").append(describe(key));
                if (!strong(key, true)) {
                    errors.add("encryption subkey " + describe(key) + " is not accepted: use RSA of at least "
                            + MIN_RSA_BITS + " bits or Curve25519");
                }
            }
            algorithm += subkeys;
            if (errors.isEmpty() && !sealerAccepts(ring, now)) {
                errors.add("the key is refused for encryption by the OpenPGP library (unusual preferences or self-signatures)");
            }
            expires = encryptionExpiry(info, primaryExpiry);
            if (errors.isEmpty() && expires.isPresent() && expires.get().isBefore(now.plus(EXPIRY_WARNING))) {
                long days = Math.max(0, Duration.between(now, expires.get()).toDays());
                warnings.add("key " + shortFingerprint(fingerprint) + " expires in " + days + " days (" + day(expires.get()) + ")");
            }
        } catch (RuntimeException e) {
            errors.add("the key cannot be evaluated (no valid self-signature?)");
        }
        return new Result(errors.isEmpty() ? Optional.of(ring) : Optional.empty(), fingerprint, expires, algorithm, errors, warnings);
    }

    /** The sealer would encrypt to this key: the library's own checks agree with ours. */
    private static boolean sealerAccepts(PGPPublicKeyRing ring, Instant now) {
        try {
            new EncryptionOptions(EncryptionPurpose.ANY).setEvaluationDate(Date.from(now)).addRecipient(ring);
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Upper case, without spaces: how fingerprints are compared. */
    public static String normalizeFingerprint(String fingerprint) {
        return fingerprint.replaceAll("\\s+", "").toUpperCase(Locale.ROOT);
    }

    public static String fingerprint(PGPPublicKey key) {
        return Hex.toHexString(key.getFingerprint()).toUpperCase(Locale.ROOT);
    }

    /** The fingerprint in groups of four, as GnuPG shows it. */
    public static String grouped(String fingerprint) {
        return fingerprint.replaceAll("(.{4})(?!$)", "$1 ");
    }

    static String shortFingerprint(String fingerprint) {
        return fingerprint.length() > 16 ? fingerprint.substring(0, 16) + "…" : fingerprint;
    }

    private static Optional<Instant> encryptionExpiry(KeyRingInfo info, Date primaryExpiry) {
        try {
            Date forUse = info.getExpirationDateForUse(KeyFlag.ENCRYPT_COMMS);
            if (forUse != null) return Optional.of(forUse.toInstant());
        } catch (RuntimeException e) {
            // no subkey carries the communications flag: the primary's expiry is what is known
        }
        return Optional.ofNullable(primaryExpiry).map(Date::toInstant);
    }

    private static boolean strong(PGPPublicKey key, boolean encryption) {
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.RSA_ENCRYPT ->
                    key.getBitStrength() >= MIN_RSA_BITS;
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> !encryption && ED25519_OID.equals(curve(key));
            case PublicKeyAlgorithmTags.ECDH -> CURVE25519_OID.equals(curve(key));
            default -> false;
        };
    }

    private static String curve(PGPPublicKey key) {
        return key.getPublicKeyPacket().getKey() instanceof ECPublicBCPGKey ec ? ec.getCurveOID().getId() : "";
    }

    static String describe(PGPPublicKey key) {
        return switch (key.getAlgorithm()) {
            case PublicKeyAlgorithmTags.RSA_GENERAL, PublicKeyAlgorithmTags.RSA_SIGN, PublicKeyAlgorithmTags.RSA_ENCRYPT ->
                    "RSA-" + key.getBitStrength();
            case PublicKeyAlgorithmTags.EDDSA_LEGACY -> ED25519_OID.equals(curve(key)) ? "Ed25519" : "EdDSA (other curve)";
            case PublicKeyAlgorithmTags.ECDH -> CURVE25519_OID.equals(curve(key)) ? "Cv25519" : "ECDH (other curve)";
            case PublicKeyAlgorithmTags.ECDSA -> "ECDSA";
            case PublicKeyAlgorithmTags.DSA -> "DSA-" + key.getBitStrength();
            case PublicKeyAlgorithmTags.ELGAMAL_ENCRYPT, PublicKeyAlgorithmTags.ELGAMAL_GENERAL -> "ElGamal-" + key.getBitStrength();
            default -> "algorithm " + key.getAlgorithm();
        };
    }

    static String day(Instant instant) {
        return instant.atOffset(ZoneOffset.UTC).toLocalDate().toString();
    }

    private static Result failed(String error) {
        return new Result(Optional.empty(), "", Optional.empty(), "", List.of(error), List.of());
    }
}
