package org.dari.referral;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKey;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.pgpainless.PGPainless;
import org.pgpainless.decryption_verification.ConsumerOptions;
import org.pgpainless.decryption_verification.DecryptionStream;
import org.pgpainless.decryption_verification.MessageMetadata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Optional;

/** Opens a sealed referral with a caseworker's secret key (for {@code dari referral decrypt} and tests). */
public final class ReferralOpener {
    private ReferralOpener() {
    }

    /**
     * @param text              the referral text, without its padding line
     * @param signatureVerified true only if the bot's key was given and its signature on the text is good
     */
    public record Opened(String text, boolean signatureVerified) {
        @Override
        public String toString() {
            return "Opened[text redacted, signatureVerified=" + signatureVerified + "]";
        }
    }

    public static Opened open(byte[] armoredMessage, PGPSecretKeyRing recipientSecret, Optional<PGPPublicKeyRing> botPublic) {
        if (passphraseProtected(recipientSecret)) {
            throw new ReferralException("the secret key is protected by a passphrase, which this command does not support: "
                    + "use GnuPG (gpg --decrypt) or Sequoia (sq decrypt)");
        }
        ConsumerOptions options = ConsumerOptions.get().addDecryptionKey(recipientSecret);
        botPublic.ifPresent(options::addVerificationCert);
        try (DecryptionStream stream = PGPainless.decryptAndOrVerify()
                .onInputStream(new ByteArrayInputStream(armoredMessage)).withOptions(options)) {
            byte[] plaintext = stream.readAllBytes();
            stream.close();
            MessageMetadata metadata = stream.getMetadata();
            if (!metadata.isEncrypted()) throw new ReferralException("the file is not an encrypted referral");
            boolean verified = botPublic.isPresent() && metadata.isVerifiedSignedBy(botPublic.get());
            return new Opened(ReferralSealer.unpadded(new String(plaintext, StandardCharsets.UTF_8)), verified);
        } catch (PGPException | IOException | RuntimeException e) {
            if (e instanceof ReferralException r) throw r;
            throw new ReferralException("the referral could not be decrypted with this key (wrong key, or not a Dari referral)", e);
        }
    }

    static boolean passphraseProtected(PGPSecretKeyRing ring) {
        for (Iterator<PGPSecretKey> it = ring.getSecretKeys(); it.hasNext(); ) {
            PGPSecretKey key = it.next();
            if (!key.isPrivateKeyEmpty() && key.getS2KUsage() != 0) return true;
        }
        return false;
    }
}
