package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.referral.ReferralCode;
import org.dari.referral.ReferralOpener;
import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.pgpainless.PGPainless;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A request for help, from consent to the organisation's answer and the end of the case. */
class ReferralFlowTest {
    static final String PERSON = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    static final String CASEWORKER = "demo-caseworker";
    static final String CASEWORKER_2 = "demo-caseworker-2";
    static final Pattern CODE = Pattern.compile("[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){4}");
    static final PrivacyFacts FACTS = new PrivacyFacts(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7),
            Duration.ofDays(30), Duration.ofHours(24));

    @TempDir
    Path dir;
    TestConversations.Fixture fixture;
    final Map<String, Session> sessions = new java.util.HashMap<>();
    final AtomicLong clock = new AtomicLong(1_000);
    boolean identityOk = true;

    @BeforeEach
    void setUp() throws Exception {
        fixture = TestConversations.create(dir, FACTS, Map.of(), (account, safetyNumber) -> identityOk, twoOrganisations(dir));
    }

    /** The demo organisation (Korean and English) and a second one that takes only English requests for medical help. */
    static Path twoOrganisations(Path dir) throws Exception {
        Path keys = Files.createDirectories(dir.resolve("registry/demo"));
        Files.copy(TestConversations.HOME.resolve("config/demo/demo-organisation.asc"), keys.resolve("demo-organisation.asc"));
        String bundled = Files.readString(TestConversations.HOME.resolve("config/organisations.yaml"));
        Matcher fp = Pattern.compile("fingerprint: \"([0-9A-F ]+)\"").matcher(bundled);
        assertTrue(fp.find());
        Path file = dir.resolve("registry/organisations.yaml");
        String demoWithoutMedical = bundled.substring(bundled.indexOf("\norganisations:") + 1).replace("      - medical\n", "");
        assertTrue(!demoWithoutMedical.contains("- medical"));
        Files.writeString(file, demoWithoutMedical + """
                  - id: other
                    names: {ko: "다른 단체", en: "Other organisation"}
                    services: [medical]
                    languages: [en]
                    keys:
                      - file: demo/demo-organisation.asc
                        fingerprint: "%s"
                    caseworkers:
                      - account: other-caseworker
                        safety_number: "000000000000000000000000000000000000000000000000000000000003"
                    active: true
                    demo: true
                """.formatted(fp.group(1)));
        return file;
    }

    /**
     * Requests sent at the same moment by many people each find an organisation. (The fewest-requests choice once read the counts twice: a request counted in between left no
     * candidate, and the person's request failed.)
     */
    @Test
    void requestsSentAtOnceEachFindAnOrganisation() throws Exception {
        int threads = 8;
        int each = 3_000;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Map<String, Integer>>> results = new java.util.ArrayList<>();
            for (int t = 0; t < threads; t++) {
                results.add(pool.submit(() -> {
                    go.await();
                    Map<String, Integer> chosen = new java.util.HashMap<>();
                    for (int i = 0; i < each; i++) {
                        String id = fixture.referrals().choose(org.dari.referral.Service.MEDICAL, Lang.EN, null).orElseThrow().id();
                        chosen.merge(id, 1, Integer::sum);
                    }
                    return chosen;
                }));
            }
            go.countDown();
            Map<String, Integer> total = new java.util.HashMap<>();
            for (var r : results) r.get(60, java.util.concurrent.TimeUnit.SECONDS).forEach((k, v) -> total.merge(k, v, Integer::sum));
            assertEquals(threads * each, total.values().stream().mapToInt(Integer::intValue).sum());
            assertEquals(Set.of("other"), total.keySet(), "only the organisation taking English medical requests: " + total);
        } finally {
            pool.shutdownNow();
        }
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    /** One message through the conversation; its link changes are applied as the store would. */
    Reply say(String sender, String text) {
        Session s = sessions.computeIfAbsent(sender, k -> new Session(Lang.KO));
        Reply reply = fixture.conversation().handle(new InboundMessage(sender, text, clock.incrementAndGet(), false), s);
        fixture.vault().referrals().apply(reply.linkOps());
        if (reply.eraseSender()) sessions.remove(sender);
        return reply;
    }

    static String all(Reply r) {
        return String.join("\n", r.texts());
    }

    static List<OutboundMessage> to(Reply r, String recipient) {
        return r.relayed().stream().filter(m -> m.recipient().equals(recipient)).toList();
    }

    String sendRequest(String note) {
        assertTrue(all(say(PERSON, "상담")).contains("번호를 알 수 없어요"), "consent says the number stays hidden");
        assertTrue(all(say(PERSON, "1")).contains("어떤 도움"), "kind of help");
        assertTrue(all(say(PERSON, "2")).contains("어느 지역"), "province");
        assertTrue(all(say(PERSON, "1")).contains("남길 말"), "note");
        String summary = all(say(PERSON, note));
        assertTrue(summary.contains("쉼터"), "summary names the help: " + summary);
        Reply sent = say(PERSON, "1");
        Matcher m = CODE.matcher(all(sent));
        assertTrue(m.find(), "a referral code is given: " + all(sent));
        String code = m.group();
        assertEquals(1, to(sent, CASEWORKER).size());
        assertEquals(1, to(sent, CASEWORKER_2).size(), "every caseworker of the organisation gets it");
        assertEquals(1, sent.linkOps().size());
        return code;
    }

    @Test
    void theWholeLoopFromRequestToClose() throws Exception {
        String code = sendRequest("아이가 아파요");
        // the caseworker replies; the person sees the organisation's name and the code, never the caseworker
        Reply reply = say(CASEWORKER, "/reply " + code + " 요청 받았어요. 지금 안전한가요?");
        List<OutboundMessage> toPerson = to(reply, PERSON);
        assertEquals(1, toPerson.size());
        assertTrue(toPerson.get(0).text().contains(code) && toPerson.get(0).text().contains("지금 안전한가요?"));
        assertTrue(toPerson.get(0).text().contains("시험용 단체"), "the organisation's display name: " + toPerson.get(0).text());
        assertFalse(toPerson.get(0).text().contains(CASEWORKER));
        // her next words go to the organisation, without the code
        Reply answer = say(PERSON, "네 안전해요");
        assertEquals(1, to(answer, CASEWORKER).size());
        assertTrue(to(answer, CASEWORKER).get(0).text().contains("네 안전해요"));
        assertFalse(to(answer, CASEWORKER).get(0).text().contains(PERSON), "the caseworker never sees her id");
        // a command takes her back; then a question is a question again
        say(PERSON, "목록");
        assertTrue(say(PERSON, "공안에 잡히면 어떻게 돼요").relayed().isEmpty(), "after 'menu' nothing goes to the organisation");
        // "CODE text" reaches them again
        Reply withCode = say(PERSON, code.toLowerCase() + " 하나 더 물어볼게요");
        assertEquals(1, to(withCode, CASEWORKER_2).size());
        // acknowledge, list, close
        assertEquals(1, to(say(CASEWORKER, "/ack " + code), PERSON).size());
        assertTrue(all(say(CASEWORKER_2, "/open")).contains(code.substring(0, 4)), "open cases list the code's id");
        Reply closed = say(CASEWORKER, "/종결 " + code);
        assertEquals(1, to(closed, PERSON).size());
        assertTrue(fixture.vault().referrals().meta(code.substring(0, 4)).isEmpty(), "closed: the link is gone");
        assertTrue(say(PERSON, code + " 여보세요").relayed().isEmpty(), "a closed code reaches no one");
    }

    @Test
    void theSealedReferralOpensWithTheOrganisationsKeyAndNamesNoOne() throws Exception {
        say(PERSON, "상담");
        say(PERSON, "1");
        say(PERSON, "4");
        say(PERSON, "0");
        assertTrue(all(say(PERSON, "위챗 아이디 abc_12345 로 연락 주세요")).contains("지웠어요"), "she is told what was masked");
        Reply sent = say(PERSON, "1");
        OutboundMessage notice = to(sent, CASEWORKER).get(0);
        assertTrue(notice.file().isPresent(), "the sealed referral is attached");
        assertFalse(notice.text().contains(PERSON));
        byte[] sealed = notice.file().get().data();
        assertTrue(new String(sealed, java.nio.charset.StandardCharsets.US_ASCII).startsWith("-----BEGIN PGP MESSAGE-----"));
        PGPSecretKeyRing secret = PGPainless.readKeyRing().secretKeyRing(
                Files.readString(TestConversations.HOME.resolve("config/demo/demo-organisation.SECRET-DEMO-ONLY.asc")));
        ReferralOpener.Opened opened = ReferralOpener.open(sealed, secret, Optional.empty());
        assertFalse(opened.text().contains(PERSON), "no Signal id in the referral");
        assertFalse(opened.text().contains("abc_12345"), "the WeChat id was masked");
        Matcher code = CODE.matcher(all(sent));
        assertTrue(code.find() && opened.text().contains(code.group()), "the referral carries its code");
    }

    @Test
    void impostorsLearnNothingAndGetTheSameAnswerForARealCodeAsForAMadeUpOne() {
        String code = sendRequest("없음");
        String madeUp = "K7QM-2HXR-9WPA-TC4N-E6BD";
        String wrongSecret = code.substring(0, 23) + (code.endsWith("2") ? "3" : "2");
        say("unknown-account", "hello"); // past the first-contact advice
        for (String verb : List.of("/reply %s hello", "/ack %s", "/close %s", "답장 %s 안녕", "/접수 %s")) {
            List<String> answers = new ArrayList<>();
            for (String c : List.of(code, madeUp, wrongSecret)) {
                Reply r = say("unknown-account", verb.formatted(c));
                assertTrue(r.relayed().isEmpty() && r.linkOps().isEmpty(), "an unknown account cannot act: " + verb);
                answers.add(all(r));
            }
            assertEquals(1, answers.stream().distinct().count(), "one and the same answer whatever the code: " + answers);
        }
        Reply list = say("unknown-account", "/open");
        assertFalse(all(list).contains(code.substring(0, 4)), "an impostor cannot list cases");
        // a caseworker of another organisation can neither act on this code nor see it
        String foreignReal = all(say("other-caseworker", "/reply " + code + " hello"));
        String foreignMadeUp = all(say("other-caseworker", "/reply " + madeUp + " hello"));
        assertEquals(foreignMadeUp, foreignReal, "the same answer for another organisation's real code as for a made-up one");
        assertTrue(say("other-caseworker", "/close " + code).linkOps().isEmpty());
        assertFalse(all(say("other-caseworker", "/open")).contains(code.substring(0, 4)));
        // a caseworker with a wrong secret part, or whose identity changed, cannot act either
        Reply wrong = say(CASEWORKER, "/reply " + wrongSecret + " hello");
        assertTrue(wrong.relayed().isEmpty());
        identityOk = false;
        Reply changed = say(CASEWORKER, "/reply " + code + " hello");
        assertTrue(changed.relayed().isEmpty(), "a caseworker whose safety number changed cannot act");
        assertEquals(all(wrong), all(changed), "and hears the same as any impostor");
        assertTrue(fixture.vault().referrals().meta(code.substring(0, 4)).isPresent(), "the case is untouched");
    }

    @Test
    void sayingNoOrCancelAtAnyStepKeepsNothing() {
        for (int stop = 1; stop <= 5; stop++) {
            sessions.clear();
            List<String> steps = List.of("상담", "1", "2", "0", "메모");
            Reply last = null;
            for (int i = 0; i < stop; i++) last = say(PERSON, steps.get(i));
            Reply cancelled = say(PERSON, "취소");
            assertTrue(all(cancelled).contains("남기지도 않았어요"), "step " + stop + ": " + all(cancelled));
            assertTrue(cancelled.relayed().isEmpty() && cancelled.linkOps().isEmpty());
            assertNotNull(last);
        }
        assertEquals(0, fixture.vault().referrals().count());
    }

    @Test
    void whenNoOrganisationFitsSheIsToldHonestlyAndGetsTheAnswerInstead() {
        say(PERSON, "/English");
        say(PERSON, "ask for help");
        say(PERSON, "1");
        say(PERSON, "5"); // medical, in English: only "other" takes it
        say(PERSON, "0");
        assertTrue(all(say(PERSON, "none")).contains("Other organisation"), "the only fitting organisation is chosen");
        sessions.clear();
        say(PERSON, "상담");
        say(PERSON, "1");
        say(PERSON, "5"); // medical, in Korean: nobody
        say(PERSON, "0");
        Reply none = say(PERSON, "없음");
        assertTrue(all(none).contains("맡아 줄 단체가 없어요"), all(none));
        assertTrue(none.relayed().isEmpty() && none.linkOps().isEmpty());
        assertTrue(none.texts().size() >= 2, "followed by the knowledge-base answer");
    }

    @Test
    void aNoteThatSpeaksOfDangerNowGetsTheUrgentAnswerAndGoesOutAsUrgentAtOnce() {
        say(PERSON, "상담");
        say(PERSON, "1");
        say(PERSON, "2");
        say(PERSON, "0");
        Reply r = say(PERSON, "지금 공안이 문 앞에 와 있어요 빨리요");
        assertTrue(r.texts().get(0).contains("'상담'"), "the urgent answer comes first: " + r.texts().get(0));
        assertTrue(CODE.matcher(all(r)).find(), "and the request went out without a confirm step: " + all(r));
        assertTrue(to(r, CASEWORKER).get(0).text().contains("긴급"), "marked urgent for the organisation");
    }

    @Test
    void forgetEndsHerOpenCasesAndTellsTheOrganisation() {
        String code = sendRequest("없음");
        Reply forget = say(PERSON, "삭제");
        assertTrue(forget.eraseSender());
        assertTrue(all(forget).contains("1건"), all(forget));
        assertEquals(1, to(forget, CASEWORKER).size(), "the organisation is told");
        assertTrue(to(forget, CASEWORKER).get(0).text().contains(code));
        assertTrue(fixture.vault().referrals().meta(code.substring(0, 4)).isEmpty());
    }

    @Test
    void forgetInANewSessionSaysWhatHappensToCasesItCannotReachAndTakesACode() {
        String code = sendRequest("없음");
        sessions.clear(); // the session went idle: the bot no longer knows she has a case
        Reply forget = say(PERSON, "삭제");
        assertTrue(all(forget).contains("30일"), "says the case ends by itself after the configured days: " + all(forget));
        assertTrue(fixture.vault().referrals().meta(code.substring(0, 4)).isPresent());
        Reply withCode = say(PERSON, "삭제 " + code);
        assertTrue(withCode.eraseSender());
        assertTrue(fixture.vault().referrals().meta(code.substring(0, 4)).isEmpty(), "'forget CODE' ends it");
    }

    @Test
    void helpRightAfterAnUrgentAnswerSendsAnUrgentRequestWithTheFewestQuestions() {
        Reply urgent = say(PERSON, "지금 공안이 문앞에 왔어요 살려주세요");
        assertTrue(all(urgent).contains("상담"), "the urgent answer ends with the way to a person");
        assertTrue(all(say(PERSON, "상담")).contains("급한"), "urgent consent");
        assertTrue(all(say(PERSON, "1")).contains("남길 말"), "straight to the note: the kind of help is known");
        Reply sent = say(PERSON, "없음");
        assertTrue(CODE.matcher(all(sent)).find(), "sent without more questions: " + all(sent));
        assertTrue(to(sent, CASEWORKER).get(0).text().contains("긴급"), "the organisation sees it is urgent");
        assertTrue(fixture.vault().referrals().openCases("demo").get(0).urgent());
    }
}
