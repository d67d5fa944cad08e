package org.dari.referral;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.dari.log.SafeLog;
import org.dari.store.KeyRing;
import org.dari.store.SealedFile;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.KeyFlag;
import org.pgpainless.key.generation.KeySpec;
import org.pgpainless.key.generation.type.KeyType;
import org.pgpainless.key.generation.type.eddsa_legacy.EdDSALegacyCurve;
import org.pgpainless.key.generation.type.xdh_legacy.XDHLegacySpec;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The bot's own OpenPGP key (v4, Ed25519 primary and signing subkey, X25519 encryption subkey, no
 * passphrase: at rest it is sealed under the master key instead, in {@link SealedFile#BOT_SIGNING_KEY}).
 * It signs every sealed referral, so an organisation that pinned its fingerprint knows a referral
 * came from this bot.
 */
public final class BotSigningKey {
    public static final String USER_ID = "Dari referral bot (signing key)";
    private static final SafeLog LOG = SafeLog.of(BotSigningKey.class);

    private final PGPSecretKeyRing secret;
    private final PGPPublicKeyRing certificate;

    private BotSigningKey(PGPSecretKeyRing secret) {
        this.secret = secret;
        this.certificate = PGPainless.extractCertificate(secret);
    }

    public static BotSigningKey create(String userId) {
        try {
            return new BotSigningKey(generateCurve25519(userId));
        } catch (Exception e) { // the Kotlin library throws checked exceptions undeclared
            throw new ReferralException("the bot's signing key could not be generated", e);
        }
    }

    /**
     * A v4 key without passphrase or expiry: Ed25519 primary (certify only), X25519 encryption
     * subkey, Ed25519 signing subkey. No expiry because organisations pin its fingerprint: a key that
     * quietly expired would stop every referral; it is replaced deliberately instead.
     */
    static PGPSecretKeyRing generateCurve25519(String userId) throws Exception {
        return PGPainless.buildKeyRing()
                .setPrimaryKey(KeySpec.getBuilder(KeyType.EDDSA_LEGACY(EdDSALegacyCurve._Ed25519), KeyFlag.CERTIFY_OTHER).build())
                .addSubkey(KeySpec.getBuilder(KeyType.XDH_LEGACY(XDHLegacySpec._X25519), KeyFlag.ENCRYPT_COMMS,
                        KeyFlag.ENCRYPT_STORAGE).build())
                .addSubkey(KeySpec.getBuilder(KeyType.EDDSA_LEGACY(EdDSALegacyCurve._Ed25519), KeyFlag.SIGN_DATA).build())
                .addUserId(userId)
                .setExpirationDate(null)
                .build();
    }

    public static BotSigningKey fromArmoredSecret(byte[] armored) {
        PGPSecretKeyRing ring;
        try {
            ring = PGPainless.readKeyRing().secretKeyRing(armored);
        } catch (Exception e) {
            throw new ReferralException("the bot's signing key cannot be read", e);
        }
        if (ring == null) throw new ReferralException("the bot's signing key cannot be read");
        if (!PGPainless.inspectKeyRing(ring).isUsableForSigning()) throw new ReferralException("the bot's signing key cannot sign");
        return new BotSigningKey(ring);
    }

    /** The key stored in {@code dataDir}, or empty if there is none yet. */
    public static Optional<BotSigningKey> load(Path dataDir, KeyRing keys) {
        return SealedFile.BOT_SIGNING_KEY.read(dataDir, keys).map(BotSigningKey::fromArmoredSecret);
    }

    /** The key stored in {@code dataDir}; a new one is created and stored if there is none. */
    public static BotSigningKey loadOrCreate(Path dataDir, KeyRing keys) {
        Optional<BotSigningKey> existing = load(dataDir, keys);
        if (existing.isPresent()) return existing.get();
        BotSigningKey created = create(USER_ID);
        SealedFile.BOT_SIGNING_KEY.write(dataDir, keys, created.armoredSecret());
        LOG.info("referral.bot_key.created");
        return created;
    }

    public byte[] armoredSecret() {
        return PGPainless.asciiArmor(secret).getBytes(StandardCharsets.UTF_8);
    }

    public String armoredPublic() {
        return PGPainless.asciiArmor(certificate);
    }

    public String fingerprint() {
        return KeyCheck.fingerprint(certificate.getPublicKey());
    }

    public PGPPublicKeyRing certificate() {
        return certificate;
    }

    PGPSecretKeyRing secretRing() {
        return secret;
    }

    @Override
    public String toString() {
        return "BotSigningKey[" + fingerprint() + "]";
    }
}
