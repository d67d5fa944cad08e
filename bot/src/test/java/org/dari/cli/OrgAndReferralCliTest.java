package org.dari.cli;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.dari.referral.BotSigningKey;
import org.dari.referral.ReferralContent;
import org.dari.referral.ReferralSealer;
import org.dari.referral.Service;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgpainless.PGPainless;
import org.pgpainless.key.protection.SecretKeyRingProtector;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrgAndReferralCliTest {
    private static final Path DEMO_PUBLIC = TestBots.HOME.resolve("config/demo/demo-organisation.asc");
    private static final Path DEMO_SECRET = TestBots.HOME.resolve("config/demo/demo-organisation.SECRET-DEMO-ONLY.asc");
    private static final String UUID_ACCOUNT = "5e3c1a2b-7d4f-4a1e-9b2c-0f1e2d3c4b5a";
    private static final String NUMBER_ACCOUNT = "+821055512345";

    @TempDir
    Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private ByteArrayOutputStream err = new ByteArrayOutputStream();
    private PrintStream savedOut;

    @BeforeEach
    void captureStdout() {
        savedOut = System.out;
        System.setOut(new Streams.Utf8(out));
    }

    @AfterEach
    void restoreStdout() {
        System.setOut(savedOut);
    }

    private int run(String... args) {
        out.reset();
        err = new ByteArrayOutputStream();
        var cli = Main.commandLine();
        cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
        return cli.execute(args);
    }

    private String stdout() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String stderr() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private void assertOneLineError(int code, String... args) {
        assertEquals(code, run(args), String.join(" ", args) + ": " + stderr());
        String text = stderr();
        assertTrue(text.startsWith("dari: "), text);
        assertEquals(1, text.strip().lines().count(), "one line: " + text);
        assertFalse(text.contains("\tat "), "no stack trace");
    }

    @Test
    void validateKeyAcceptsTheDemoKeyAndRejectsABadOneWithOneLine() throws Exception {
        assertEquals(0, run("org", "validate", "--key", DEMO_PUBLIC.toString()), stderr());
        assertTrue(stdout().contains("fingerprint: AA0B 9CE7 7234 3521 9770 B06A 5BDC 657A CEF3 FCAA"), stdout());
        assertTrue(stdout().contains("algorithm:   Ed25519 + Cv25519") && stdout().contains("expires:     never"), stdout());

        assertOneLineError(2, "org", "validate", "--key", DEMO_SECRET.toString());
        assertTrue(stderr().contains("SECRET key material"), stderr());

        var revoked = PGPainless.modifyKeyRing(PGPainless.generateKeyRing().modernKeyRing("r <r@example.invalid>"))
                .revoke(SecretKeyRingProtector.unprotectedKeys()).done();
        Path revokedFile = dir.resolve("revoked.asc");
        Files.writeString(revokedFile, PGPainless.asciiArmor(PGPainless.extractCertificate(revoked)));
        assertOneLineError(2, "org", "validate", "--key", revokedFile.toString());
        assertTrue(stderr().contains("revoked"), stderr());

        assertOneLineError(2, "org", "validate", "--key", DEMO_PUBLIC.toString(), "--fingerprint", "0".repeat(40));
        assertTrue(stderr().contains("does not match the pinned"), stderr());
    }

    @Test
    void validateTheRegistryExitsZeroWhenValidAndTwoWhenNot() throws Exception {
        assertEquals(0, run("org", "validate"), stdout() + stderr());
        assertTrue(stdout().contains("valid") && stdout().contains("demo organisation"), stdout());

        Path broken = dir.resolve("organisations.yaml");
        Files.writeString(broken, "organisations:\n  - id: x\n    colour: red\n");
        assertEquals(2, run("org", "validate", "--registry", broken.toString()));
        assertTrue(stdout().contains("unknown field 'colour'") && stdout().contains("NOT valid"), stdout());
    }

    @Test
    void listShowsOrganisationsButNeverCaseworkerAccounts() throws Exception {
        Files.copy(DEMO_PUBLIC, dir.resolve("demo.asc"));
        Path registry = dir.resolve("organisations.yaml");
        Files.writeString(registry, Files.readString(TestBots.HOME.resolve("config/organisations.yaml"))
                .replace("demo/demo-organisation.asc", "demo.asc")
                .replace("account: demo-caseworker-2", "account: \"" + NUMBER_ACCOUNT + "\"")
                .replace("account: demo-caseworker", "account: \"" + UUID_ACCOUNT + "\""));
        assertEquals(0, run("org", "list", "--registry", registry.toString()), stderr());
        String listed = stdout();
        assertTrue(listed.contains("demo (DEMO, not real): Demo organisation (not real) / 시험용 단체 (진짜 아님)"), listed);
        assertTrue(listed.contains("services:    legal-information, shelter,"), listed);
        assertTrue(listed.contains("key:         AA0B 9CE7") && listed.contains("expires never"), listed);
        assertTrue(listed.contains("caseworkers: 2"), listed);
        assertFalse(listed.contains(UUID_ACCOUNT) || listed.contains(NUMBER_ACCOUNT) || listed.contains("055512345"), listed);
        assertFalse(listed.contains("000000000000000000000"), "no safety numbers either");

        assertEquals(0, run("org", "list"), stderr());
        assertFalse(stdout().contains("demo-caseworker"), stdout());
    }

    @Test
    void keysInitCreatesTheBotKeyThatBotKeyPrintsAndDecryptVerifies() throws Exception {
        Path data = dir.resolve("data");
        assertOneLineError(2, "org", "bot-key", "--data", data.toString());
        assertTrue(stderr().contains("dari keys init"), stderr());

        assertEquals(0, run("keys", "init", "--data", data.toString()), stderr());
        assertTrue(stdout().contains("created bot signing key: "), stdout());
        assertEquals(0, run("org", "bot-key", "--data", data.toString()), stderr());
        String printed = stdout();
        assertTrue(printed.startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"), printed);
        assertFalse(printed.contains("PRIVATE"));
        Path botPublic = dir.resolve("bot.asc");
        Files.writeString(botPublic, printed.substring(0, printed.indexOf("fingerprint: ")));
        PGPPublicKeyRing botCert = PGPainless.readKeyRing().publicKeyRing(Files.readAllBytes(botPublic));
        String fingerprint = org.dari.referral.KeyCheck.fingerprint(botCert.getPublicKey());
        assertTrue(printed.contains("fingerprint: " + org.dari.referral.KeyCheck.grouped(fingerprint)), printed);

        assertEquals(0, run("keys", "init", "--data", data.toString()), stderr());
        assertTrue(stdout().contains("bot signing key already exists"), stdout());
        assertEquals(0, run("keys", "rotate", "--data", data.toString()), stderr());
        assertEquals(0, run("org", "bot-key", "--data", data.toString()), stderr());
        assertTrue(stdout().contains(org.dari.referral.KeyCheck.grouped(fingerprint)), "the same key after rotation");

        // a referral signed by that key, as the bot would seal it
        BotSigningKey bot;
        try (var master = org.dari.store.KeyRotation.loadKey(data, data.resolve("master.key"));
             var keys = new org.dari.store.KeyRing(master)) {
            bot = BotSigningKey.load(data, keys).orElseThrow();
        }
        Path referral = dir.resolve("referral.asc");
        Files.write(referral, new ReferralSealer(bot).seal(new ReferralContent("K7QM-4XRT", Service.MEDICAL, "en",
                Optional.empty(), "my child has a fever", false, LocalDate.of(2026, 3, 4)),
                List.of(PGPainless.readKeyRing().publicKeyRing(Files.readAllBytes(DEMO_PUBLIC)))));

        assertEquals(0, run("referral", "decrypt", referral.toString(), "--key", DEMO_SECRET.toString(),
                "--bot-key", botPublic.toString()), stderr());
        assertTrue(stdout().contains("Code: K7QM-4XRT") && stdout().contains("my child has a fever"), stdout());
        assertTrue(stdout().contains("signature: good, from the Dari bot key"), stdout());

        Path otherBot = dir.resolve("other-bot.asc");
        Files.writeString(otherBot, BotSigningKey.create("other").armoredPublic());
        assertEquals(1, run("referral", "decrypt", referral.toString(), "--key", DEMO_SECRET.toString(),
                "--bot-key", otherBot.toString()));
        assertTrue(stdout().contains("signature: NOT VERIFIED"), stdout());

        assertEquals(0, run("referral", "decrypt", referral.toString(), "--key", DEMO_SECRET.toString()), stderr());
        assertTrue(stdout().contains("signature: not checked"), stdout());

        Path locked = dir.resolve("locked.asc");
        Files.writeString(locked, PGPainless.asciiArmor(PGPainless.generateKeyRing().modernKeyRing("l <l@example.invalid>", "a passphrase")));
        assertOneLineError(2, "referral", "decrypt", referral.toString(), "--key", locked.toString());
        assertTrue(stderr().contains("passphrase"), stderr());

        assertOneLineError(2, "referral", "decrypt", referral.toString(), "--key", DEMO_PUBLIC.toString());
        assertTrue(stderr().contains("not an OpenPGP secret key"), stderr());

        Path unrelated = dir.resolve("unrelated.asc");
        Files.writeString(unrelated, PGPainless.asciiArmor(PGPainless.generateKeyRing().modernKeyRing("u <u@example.invalid>")));
        assertOneLineError(2, "referral", "decrypt", referral.toString(), "--key", unrelated.toString());
        assertTrue(stderr().contains("could not be decrypted"), stderr());
    }

    @Test
    void theNewCommandsHaveHelp() {
        for (String[] args : new String[][] {{"org", "--help"}, {"org", "validate", "--help"}, {"org", "list", "--help"},
                {"org", "bot-key", "--help"}, {"referral", "decrypt", "--help"}}) {
            ByteArrayOutputStream help = new ByteArrayOutputStream();
            var cli = Main.commandLine();
            cli.setOut(new PrintWriter(help, true, StandardCharsets.UTF_8));
            assertEquals(0, cli.execute(args), String.join(" ", args));
            assertTrue(help.toString(StandardCharsets.UTF_8).contains("Usage:"), String.join(" ", args));
        }
    }
}
