package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.dari.referral.ReferralOpener;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgpainless.PGPainless;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.Retention;
import org.dari.store.TestSupport;
import org.dari.store.Vault;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The whole referral loop over the Signal contract: a person asks for help, the sealed referral
 * reaches each caseworker (through an outage and a restart, once each, held for a caseworker whose
 * safety number changed), a caseworker answers, the person reads it.
 */
class ReferralSignalEndToEndTest {
    static final String PERSON = "7c0e1d2f-3a4b-4c5d-8e6f-0a1b2c3d4e5f";
    static final String PERSON_NUMBER = "+4915112349876";
    static final String CW1 = "1f2e3d4c-5b6a-4978-8a9b-0c1d2e3f4a5b";
    static final String CW2 = "2a3b4c5d-6e7f-4081-9a2b-3c4d5e6f7a8b";
    static final String SN1 = "111112222233333444445555566666777778888899999000001111122222";
    static final String SN2 = "222223333344444555556666677777888889999900000111112222233333";
    static final Duration WAIT = Duration.ofSeconds(30);
    static final Pattern CODE = Pattern.compile("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}");

    final AtomicLong clock = new AtomicLong(1_755_379_200_000L);

    static Path registry(Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("demo"));
        Files.copy(TestBots.HOME.resolve("config/demo/demo-organisation.asc"), keys.resolve("demo-organisation.asc"));
        String bundled = Files.readString(TestBots.HOME.resolve("config/organisations.yaml"));
        Matcher fp = Pattern.compile("fingerprint: \"([0-9A-F ]+)\"").matcher(bundled);
        assertTrue(fp.find());
        Path file = dir.resolve("organisations.yaml");
        Files.writeString(file, """
                organisations:
                  - id: demo
                    names: {ko: "시험용 단체 (진짜 아님)", en: "Demo organisation (not real)"}
                    services: [legal-information, shelter, safe-travel, trafficking-and-violence, medical, children-and-registration, emotional-support]
                    languages: [ko, en]
                    keys:
                      - file: demo/demo-organisation.asc
                        fingerprint: "%s"
                    caseworkers:
                      - account: "%s"
                        safety_number: "%s"
                      - account: "%s"
                        safety_number: "%s"
                    active: true
                    demo: true
                """.formatted(fp.group(1), CW1, SN1, CW2, SN2));
        return file;
    }

    static String identities(String sn2) {
        return """
                [{"number":null,"uuid":"%s","status":"TRUSTED_VERIFIED","fingerprint":"aa","safety_number":"%s","added":"1"},
                 {"number":null,"uuid":"%s","status":"TRUSTED_VERIFIED","fingerprint":"bb","safety_number":"%s","added":"1"}]
                """.formatted(CW1, SN1, CW2, sn2);
    }

    void push(FakeSignalServer server, String from, String text) {
        server.push(Envelopes.text(from, from.equals(PERSON) ? PERSON_NUMBER : null, clock.incrementAndGet(), text));
    }

    static List<JsonNode> referralsTo(FakeSignalServer server, String account) {
        return TestBots.sendsTo(server, account).stream().filter(s -> s.has("base64_attachments")).toList();
    }

    static String lastTo(FakeSignalServer server, String account) {
        List<JsonNode> sends = TestBots.sendsTo(server, account);
        return sends.isEmpty() ? "" : TestBots.text(sends.get(sends.size() - 1));
    }

    static final String NOTE = "canary-note-5521 아이가 아파요";

    @Test
    void aRequestReachesEachCaseworkerOnceThroughAnOutageAndARestartAndTheAnswerComesBack(@TempDir Path dir) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        String code;
        try {
            code = runLoop(dir);
        } finally {
            System.setErr(originalErr);
        }
        String secret = code.substring(5).replace("-", "");
        List<String> canaries = List.of(PERSON, PERSON_NUMBER, "canary-note-5521", CW1, CW2, secret);
        for (String canary : canaries) {
            for (byte[] encoded : TestSupport.encodings(canary)) {
                assertTrue(TestSupport.filesContaining(dir.resolve("data"), encoded).isEmpty(), "a canary is on disk");
            }
            assertFalse(logs.toString(StandardCharsets.UTF_8).contains(canary), "a canary reached the logs");
        }
        assertTrue(logs.toString(StandardCharsets.UTF_8).contains("referral.sent"), "the logs were captured");
        // with the bot's own key, the case is there but the person is not reachable without the code's secret part
        try (KeyRing keys = new KeyRing(KeyRotation.loadKey(dir.resolve("data"), dir.resolve("data/master.key")));
             Vault vault = Vault.open(dir.resolve("data"), keys, java.time.Clock.systemUTC(), Retention.DEFAULTS)) {
            String id = code.substring(0, 4);
            assertTrue(vault.referrals().meta(id).isPresent(), "the case is open");
            String wrong = secret.substring(0, 15) + (secret.endsWith("A") ? "B" : "A");
            assertTrue(vault.referrals().link(id, wrong).isEmpty(), "no way back to her without the secret part");
            assertEquals(PERSON, vault.referrals().link(id, secret).orElseThrow().person(), "only the full code opens the link");
        }
    }

    String runLoop(Path dir) throws Exception {
        try (FakeSignalServer server = FakeSignalServer.normal()) {
            server.setIdentities(identities(SN2));
            Path config = TestBots.signalConfig(dir, server, dir.resolve("data"));
            Files.writeString(config, Files.readString(config) + "referral:\n  organisations: " + registry(dir) + "\n");
            Config loaded = TestBots.load(config);

            try (TestBots.Running bot = TestBots.run(loaded)) {
                for (String step : List.of("상담", "1", "2", "0", NOTE)) {
                    int before = TestBots.sendsTo(server, PERSON).size();
                    push(server, PERSON, step);
                    TestBots.await("a reply to '" + step + "'", WAIT, () -> TestBots.sendsTo(server, PERSON).size() > before);
                }
                assertTrue(lastTo(server, PERSON).contains("받는 곳"), "the summary before sending");
                server.replyToSends(FakeSignalServer.SendReply.error(500, "signal-cli is not answering"));
                push(server, PERSON, "1");
                TestBots.await("a first, failing delivery attempt", WAIT, () -> !referralsTo(server, CW1).isEmpty());
                server.stop(); // the API goes away, then the bot is restarted
            }
            server.setIdentities(identities("999999999999999999999999999999999999999999999999999999999999"));
            server.replyToSends(FakeSignalServer.SendReply.legacy());
            server.restart();
            int failed1 = referralsTo(server, CW1).size();
            int failed2 = referralsTo(server, CW2).size();

            try (TestBots.Running bot = TestBots.run(loaded)) {
                TestBots.await("the referral to the verified caseworker", WAIT, () -> referralsTo(server, CW1).size() > failed1);
                TestBots.await("the person told it was sent", WAIT, () -> CODE.matcher(lastTo(server, PERSON)).find());
                Thread.sleep(2500);
                assertEquals(failed1 + 1, referralsTo(server, CW1).size(), "delivered once");
                assertEquals(failed2, referralsTo(server, CW2).size(), "held: this caseworker's safety number changed");

                server.setIdentities(identities(SN2)); // the operator verified the caseworker again
                TestBots.await("the held referral after re-verification", Duration.ofSeconds(60),
                        () -> referralsTo(server, CW2).size() > failed2);

                JsonNode delivered = referralsTo(server, CW1).get(referralsTo(server, CW1).size() - 1);
                String dataUri = delivered.path("base64_attachments").path(0).asText();
                assertTrue(dataUri.startsWith("data:application/pgp-encrypted;filename=referral-"), dataUri.substring(0, 40));
                byte[] sealed = Base64.getDecoder().decode(dataUri.substring(dataUri.indexOf(";base64,") + 8));
                PGPSecretKeyRing secret = PGPainless.readKeyRing().secretKeyRing(
                        Files.readString(TestBots.HOME.resolve("config/demo/demo-organisation.SECRET-DEMO-ONLY.asc")));
                String plain = ReferralOpener.open(sealed, secret, Optional.empty()).text();
                assertFalse(plain.contains(PERSON) || plain.contains(PERSON_NUMBER), "no Signal id or number in the referral");
                assertFalse(TestBots.text(delivered).contains(PERSON), "nor in the notice");

                Matcher m = CODE.matcher(lastTo(server, PERSON));
                assertTrue(m.find());
                String code = m.group();
                assertTrue(plain.contains(code));
                push(server, CW1, "/reply " + code + " 요청 받았어요. 지금 안전한가요?");
                TestBots.await("the answer reaches the person", WAIT, () -> lastTo(server, PERSON).contains("지금 안전한가요?"));
                assertTrue(lastTo(server, PERSON).contains("시험용 단체"), "under the organisation's name");
                push(server, PERSON, "네 괜찮아요");
                TestBots.await("her words reach the caseworkers", WAIT, () -> lastTo(server, CW2).contains("네 괜찮아요"));
                Thread.sleep(1000);
                assertEquals(1, referralsTo(server, CW2).size() - failed2, "never a second copy");
                assertFalse(server.sends().stream().anyMatch(s -> s.path("recipients").path(0).asText().startsWith("+")),
                        "replies go to UUIDs, never to a phone number");
                assertTrue(server.trustRequests().stream().noneMatch(t -> t.numberToTrust().equals(CW2)),
                        "a caseworker's changed key is never trusted by the bot");
                return code;
            }
        }
    }
}
