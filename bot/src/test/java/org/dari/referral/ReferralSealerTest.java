package org.dari.referral;

import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.bcpg.BCPGInputStream;
import org.bouncycastle.bcpg.Packet;
import org.bouncycastle.bcpg.PacketTags;
import org.bouncycastle.bcpg.PublicKeyEncSessionPacket;
import org.bouncycastle.bcpg.SymmetricEncIntegrityPacket;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgpainless.PGPainless;
import org.pgpainless.algorithm.CompressionAlgorithm;
import org.pgpainless.decryption_verification.ConsumerOptions;
import org.pgpainless.decryption_verification.DecryptionStream;
import org.pgpainless.decryption_verification.MessageMetadata;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sealed referral opens with GnuPG and Sequoia (sqop) using the demo organisation's secret key,
 * the bot's signature verifies there, and its text holds no Signal identifier. gpg and sqop must be
 * installed (.ci/run installs both): a missing tool fails the test rather than skipping it.
 */
class ReferralSealerTest {
    static final String CANARY_UUID = "c4a7a2e1-0b7d-4c1e-9f3a-5d2b8e6f1a90";
    static final String CANARY_NUMBER = "+86 138 1234 5678";
    static final String CANARY_DIGITS = "13812345678";
    static final String CODE = "K7QM-4XRT-9PWD-HV3N";
    static final LocalDate DAY = LocalDate.of(2026, 11, 28);

    @TempDir
    Path dir;

    private final BotSigningKey bot = BotSigningKey.create(BotSigningKey.USER_ID);
    private final ReferralSealer sealer = new ReferralSealer(bot);

    static ReferralContent content(String note) {
        return new ReferralContent(CODE, Service.SHELTER, "ko", Optional.of("jilin"), note, true, DAY);
    }

    static String canaryNote() {
        return "남편이 손전화를 봅니다. 제 번호 " + CANARY_NUMBER + ", signal " + CANARY_UUID + " 연락 주세요.";
    }

    private static void assertReferralText(String plain) {
        assertTrue(plain.startsWith("Dari referral\nCode: " + CODE + "\nService: shelter\nLanguage: ko\nProvince: jilin\n"
                + "Urgent: yes\nDate: 2026-11-28\nNote:\n남편이 손전화를 봅니다."), plain);
        assertFalse(plain.contains(CANARY_UUID), "no Signal UUID in the referral");
        assertFalse(plain.replaceAll("[^0-9]", "").contains(CANARY_DIGITS), "no phone number in the referral");
        assertTrue(plain.contains(ReferralSealer.REMOVED));
    }

    /** Requests sealed at the same moment to the same organisation's key all seal (they once failed now and then). */
    @Test
    void manySealsAtOnceToTheSameKeyAllSucceed() throws Exception {
        List<org.bouncycastle.openpgp.PGPPublicKeyRing> recipients = List.of(TestKeys.demoPublic());
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> done = new java.util.ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    go.await();
                    int sealed = 0;
                    for (int i = 0; i < 40; i++) if (sealer.seal(content("없음"), recipients).length > 0) sealed++;
                    return sealed;
                }));
            }
            go.countDown();
            int total = 0;
            for (var d : done) total += d.get(120, TimeUnit.SECONDS);
            assertEquals(8 * 40, total);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void gnupgDecryptsTheReferralAndVerifiesTheBotSignature() throws Exception {
        requireTool("gpg");
        Path home = Files.createDirectory(dir.resolve("gnupg"), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                java.nio.file.attribute.PosixFilePermissions.fromString("rwx------")));
        Path message = dir.resolve("referral.asc");
        Files.write(message, sealer.seal(content(canaryNote()), List.of(TestKeys.demoPublic())));
        Path botCert = dir.resolve("bot.asc");
        Files.writeString(botCert, bot.armoredPublic());
        try {
            run(List.of("gpg", "--homedir", home.toString(), "--batch", "--import", TestKeys.DEMO_SECRET.toString()), null, null);
            run(List.of("gpg", "--homedir", home.toString(), "--batch", "--import", botCert.toString()), null, null);
            Path status = dir.resolve("status.txt");
            Path plain = dir.resolve("plain.txt");
            run(List.of("gpg", "--homedir", home.toString(), "--batch", "--status-file", status.toString(),
                    "--output", plain.toString(), "--decrypt", message.toString()), null, null);
            assertReferralText(Files.readString(plain));
            String s = Files.readString(status);
            assertTrue(s.contains("[GNUPG:] DECRYPTION_OKAY"), s);
            assertTrue(s.contains("[GNUPG:] GOODSIG "), s);
            assertTrue(s.lines().anyMatch(l -> l.startsWith("[GNUPG:] VALIDSIG ") && l.endsWith(" " + bot.fingerprint())),
                    "signed by the bot's key: " + s);
            // mdc_method 2: SEIPD v1 with MDC; no AEAD algorithm
            assertTrue(s.lines().anyMatch(l -> l.matches("\\[GNUPG:] DECRYPTION_INFO 2 \\d+( 0)?")), s);
        } finally {
            new ProcessBuilder("gpgconf", "--homedir", home.toString(), "--kill", "all").start().waitFor(30, TimeUnit.SECONDS);
        }
    }

    @Test
    void sequoiaSqopDecryptsTheReferralAndVerifiesTheBotSignature() throws Exception {
        requireTool("sqop");
        Path message = dir.resolve("referral.asc");
        Files.write(message, sealer.seal(content(canaryNote()), List.of(TestKeys.demoPublic())));
        Path botCert = dir.resolve("bot.asc");
        Files.writeString(botCert, bot.armoredPublic());
        Path verifications = dir.resolve("verifications.txt");
        Path plain = dir.resolve("plain.txt");
        run(List.of("sqop", "decrypt", "--verify-with", botCert.toString(), "--verifications-out", verifications.toString(),
                TestKeys.DEMO_SECRET.toString()), message, plain);
        assertReferralText(Files.readString(plain));
        String v = Files.readString(verifications);
        assertEquals(1, v.strip().lines().count(), v);
        assertTrue(v.toUpperCase().contains(bot.fingerprint()), "verified with the bot's key: " + v);
    }

    @Test
    void theReferralIsIntegrityProtectedV1UncompressedAndEncryptedToEveryKeyOfTheOrganisation() throws Exception {
        PGPSecretKeyRing second = TestKeys.curve25519("second key <second@example.invalid>");
        byte[] sealed = sealer.seal(content("도와주세요"), List.of(TestKeys.demoPublic(), TestKeys.certificate(second)));
        assertTrue(new String(sealed, StandardCharsets.US_ASCII).startsWith("-----BEGIN PGP MESSAGE-----"));

        List<Integer> tags = new ArrayList<>();
        int pkesk = 0;
        try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(sealed))) {
            BCPGInputStream packets = new BCPGInputStream(in);
            Packet packet;
            while ((packet = packets.readPacket()) != null) {
                tags.add(packet.getPacketTag());
                if (packet instanceof PublicKeyEncSessionPacket p) {
                    assertEquals(3, p.getVersion(), "v3 PKESK for v4 keys");
                    pkesk++;
                }
                if (packet instanceof SymmetricEncIntegrityPacket seipd) {
                    assertEquals(SymmetricEncIntegrityPacket.VERSION_1, seipd.getVersion(), "SEIPD v1 (MDC), not AEAD v2");
                    break;
                }
            }
        }
        assertEquals(2, pkesk, "one session key per organisation key: " + tags);
        assertTrue(tags.contains(PacketTags.SYM_ENC_INTEGRITY_PRO), tags.toString());
        assertFalse(tags.contains(PacketTags.SYMMETRIC_KEY_ENC) || tags.contains(PacketTags.AEAD_ENC_DATA), tags.toString());

        for (PGPSecretKeyRing key : List.of(TestKeys.demoSecret(), second)) {
            MessageMetadata metadata = decrypt(sealed, key, bot.certificate());
            CompressionAlgorithm compression = metadata.getCompressionAlgorithm();
            assertTrue(compression == null || compression == CompressionAlgorithm.UNCOMPRESSED, "compression: " + compression);
            assertTrue(metadata.isVerifiedSignedBy(bot.certificate()));
            ReferralOpener.Opened opened = ReferralOpener.open(sealed, key, Optional.of(bot.certificate()));
            assertTrue(opened.signatureVerified());
            assertTrue(opened.text().endsWith("Note:\n도와주세요\n"), opened.text());
        }
    }

    @Test
    void theNoteIsScrubbedOfAnythingShapedLikeASignalIdentifier() throws Exception {
        byte[] sealed = sealer.seal(content(canaryNote() + "\nalso " + CANARY_UUID.toUpperCase().replace("-", "")
                + " and 0086-138-1234-5678 and 138 1234 5678"), List.of(TestKeys.demoPublic()));
        String text = ReferralOpener.open(sealed, TestKeys.demoSecret(), Optional.of(bot.certificate())).text();
        assertReferralText(text);
        assertFalse(text.toLowerCase().contains(CANARY_UUID.replace("-", "")), text);
        assertTrue(text.contains("연락 주세요."), "the rest of the note stays: " + text);
    }

    @Test
    void theCiphertextLengthDoesNotRevealTheNoteLength() throws Exception {
        String shortNote = "도와주세요";
        String longNote = "가".repeat(300);
        assertEquals(ReferralSealer.MIN_BUCKET, ReferralSealer.padded(ReferralSealer.text(content(shortNote))).length);
        assertEquals(ReferralSealer.MIN_BUCKET, ReferralSealer.padded(ReferralSealer.text(content(longNote))).length);
        List<PGPPublicKeyRing> to = List.of(TestKeys.demoPublic());
        int shortLength = sealer.seal(content(shortNote), to).length;
        int longLength = sealer.seal(content(longNote), to).length;
        // the notes differ by about 900 bytes; the ciphertexts only by the few bytes an EdDSA
        // signature's MPI encoding may drop (leading zero bytes), never by the note
        assertTrue(Math.abs(shortLength - longLength) <= 8, shortLength + " vs " + longLength);

        String tooLong = "가".repeat(800);
        assertEquals(2 * ReferralSealer.MIN_BUCKET, ReferralSealer.padded(ReferralSealer.text(content(tooLong))).length);
        String opened = ReferralOpener.open(sealer.seal(content(longNote), to), TestKeys.demoSecret(), Optional.empty()).text();
        assertFalse(opened.contains(ReferralSealer.PADDING_LABEL), "padding is not shown to the caseworker");
    }

    @Test
    void aSignatureByAnotherKeyDoesNotVerify() throws Exception {
        byte[] sealed = sealer.seal(content("도와주세요"), List.of(TestKeys.demoPublic()));
        BotSigningKey impostor = BotSigningKey.create("impostor");
        assertFalse(ReferralOpener.open(sealed, TestKeys.demoSecret(), Optional.of(impostor.certificate())).signatureVerified());
        assertTrue(ReferralOpener.open(sealed, TestKeys.demoSecret(), Optional.of(bot.certificate())).signatureVerified());
    }

    private static MessageMetadata decrypt(byte[] sealed, PGPSecretKeyRing key, PGPPublicKeyRing verify) throws Exception {
        DecryptionStream stream = PGPainless.decryptAndOrVerify().onInputStream(new ByteArrayInputStream(sealed))
                .withOptions(ConsumerOptions.get().addDecryptionKey(key).addVerificationCert(verify));
        stream.readAllBytes();
        stream.close();
        return stream.getMetadata();
    }

    static void requireTool(String tool) {
        boolean found = false;
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) found = true;
        }
        assertTrue(found, tool + " is not installed: the interoperability test needs it (.ci/run installs gnupg and sqop)");
    }

    /** Runs a command to completion; fails the test on a non-zero exit, with its error output. */
    static void run(List<String> command, Path stdin, Path stdout) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command);
        Path err = Files.createTempFile("dari-test-", ".err");
        try {
            pb.redirectError(err.toFile());
            if (stdin != null) pb.redirectInput(stdin.toFile());
            if (stdout != null) pb.redirectOutput(stdout.toFile());
            else pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), "did not finish: " + command);
            assertEquals(0, p.exitValue(), command + " failed: " + Files.readString(err));
        } finally {
            Files.deleteIfExists(err);
        }
    }
}
