package org.dari.referral;

import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.CompressionAlgorithm;
import org.pgpainless.algorithm.DocumentSignatureType;
import org.pgpainless.algorithm.EncryptionPurpose;
import org.pgpainless.encryption_signing.EncryptionOptions;
import org.pgpainless.encryption_signing.EncryptionStream;
import org.pgpainless.encryption_signing.ProducerOptions;
import org.pgpainless.encryption_signing.SigningOptions;
import org.pgpainless.key.protection.SecretKeyRingProtector;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Seals a referral for an organisation: a short readable text, padded to a size bucket so the
 * length of the note does not show, encrypted to every key given and signed by the bot's key.
 * The output is an ASCII-armored OpenPGP message that GnuPG 2.2 and Sequoia both read: v4 keys,
 * SEIPD v1 with MDC (PGPainless 1.7 never writes AEAD packets), no compression.
 *
 * <p>As a last line of defence the note is scrubbed here of anything shaped like a Signal UUID or
 * a phone number, whatever the caller already masked.
 */
public final class ReferralSealer {
    /** Smallest bucket: holds the header and a note of 300 Korean characters (900 bytes in UTF-8). */
    public static final int MIN_BUCKET = 2048;
    static final String PADDING_LABEL = "Padding: ";
    static final String REMOVED = "[removed]";
    private static final Pattern CODE = Pattern.compile("[A-Za-z0-9-]{4,64}");
    private static final Pattern PROVINCE = Pattern.compile("[a-z][a-z-]{0,39}");
    private static final Pattern UUID_SHAPE = Pattern.compile(
            "(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}");
    /** Seven or more digits, allowing a leading + and the separators people type. */
    private static final Pattern PHONE_SHAPE = Pattern.compile("\\+?\\d(?:[\\s().-]{0,2}\\d){6,}");

    private final BotSigningKey botKey;

    public ReferralSealer(BotSigningKey botKey) {
        this.botKey = botKey;
    }

    /**
     * The ASCII-armored OpenPGP message, encrypted to every key in {@code recipients}. One at a time:
     * inspecting a key verifies its self-signatures, and Bouncy Castle keeps a signature's verifier
     * in the signature object, so two seals reading the same certificate at once could each see the
     * other's half-done check and find the key unusable (a request failed that way under load).
     */
    public synchronized byte[] seal(ReferralContent content, List<PGPPublicKeyRing> recipients) {
        if (recipients.isEmpty()) throw new IllegalArgumentException("no recipient keys");
        byte[] plaintext = padded(text(content));
        try {
            EncryptionOptions encryption = new EncryptionOptions(EncryptionPurpose.ANY);
            for (PGPPublicKeyRing recipient : recipients) encryption.addRecipient(recipient);
            SigningOptions signing = SigningOptions.get().addInlineSignature(SecretKeyRingProtector.unprotectedKeys(),
                    botKey.secretRing(), DocumentSignatureType.BINARY_DOCUMENT);
            ProducerOptions options = ProducerOptions.signAndEncrypt(encryption, signing)
                    .setAsciiArmor(true)
                    .setHideArmorHeaders(true)
                    .overrideCompressionAlgorithm(CompressionAlgorithm.UNCOMPRESSED);
            ByteArrayOutputStream out = new ByteArrayOutputStream(plaintext.length * 2);
            try (EncryptionStream stream = PGPainless.encryptAndOrSign().onOutputStream(out).withOptions(options)) {
                stream.write(plaintext);
            }
            return out.toByteArray();
        } catch (PGPException | IOException | RuntimeException e) {
            throw new ReferralException("the referral could not be sealed", e);
        }
    }

    /** The readable text a caseworker sees, before padding. */
    static String text(ReferralContent c) {
        if (!CODE.matcher(c.code()).matches()) throw new IllegalArgumentException("referral code has an unexpected shape");
        if (!OrganisationRegistry.LANGUAGES.contains(c.language())) throw new IllegalArgumentException("unknown language");
        c.province().ifPresent(p -> {
            if (!PROVINCE.matcher(p).matches()) throw new IllegalArgumentException("province id has an unexpected shape");
        });
        StringBuilder t = new StringBuilder();
        t.append("Dari referral\n");
        t.append("Code: ").append(c.code()).append('\n');
        t.append("Service: ").append(c.service().id()).append('\n');
        t.append("Language: ").append(c.language()).append('\n');
        c.province().ifPresent(p -> t.append("Province: ").append(p).append('\n'));
        t.append("Urgent: ").append(c.urgent() ? "yes" : "no").append('\n');
        t.append("Date: ").append(c.day()).append('\n');
        t.append("Note:\n").append(scrub(c.note()).strip()).append('\n');
        return t.toString();
    }

    /** Removes anything shaped like a Signal UUID or a phone number. */
    static String scrub(String note) {
        String s = UUID_SHAPE.matcher(note).replaceAll(REMOVED);
        return PHONE_SHAPE.matcher(s).replaceAll(REMOVED);
    }

    /**
     * The text followed by one padding line, to exactly the smallest bucket (2 KiB, 4 KiB, 8 KiB …)
     * that holds it.
     */
    static byte[] padded(String text) {
        byte[] body = text.getBytes(StandardCharsets.UTF_8);
        int minimum = body.length + 1 + PADDING_LABEL.length() + 1 + 1;
        int bucket = MIN_BUCKET;
        while (bucket < minimum) bucket *= 2;
        int dots = bucket - body.length - 1 - PADDING_LABEL.length() - 1;
        String padding = "\n" + PADDING_LABEL + ".".repeat(dots) + "\n";
        byte[] out = new byte[bucket];
        System.arraycopy(body, 0, out, 0, body.length);
        byte[] tail = padding.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(tail, 0, out, body.length, tail.length);
        return out;
    }

    /** The text without its padding line, as {@link ReferralOpener} shows it. */
    static String unpadded(String text) {
        int at = text.lastIndexOf("\n\n" + PADDING_LABEL);
        return at < 0 ? text : text.substring(0, at + 1);
    }
}
