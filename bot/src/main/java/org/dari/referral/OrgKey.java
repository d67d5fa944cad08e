package org.dari.referral;

import org.bouncycastle.openpgp.PGPPublicKeyRing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;

/** One checked OpenPGP public key of an organisation: its pinned fingerprint (40 upper-case hex digits), file and expiry. */
public record OrgKey(String fingerprint, Path file, PGPPublicKeyRing ring, Optional<Instant> expires) {
    @Override
    public String toString() {
        return "OrgKey[" + fingerprint + ", expires " + expires.map(Instant::toString).orElse("never") + "]";
    }
}
