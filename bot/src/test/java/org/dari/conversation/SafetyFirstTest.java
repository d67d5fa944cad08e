package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Danger first, in every state; the chat protected from the first message; any input answered. */
class SafetyFirstTest {
    static TestConversations.Fixture fixture;
    @TempDir
    static Path dir;
    static final AtomicLong clock = new AtomicLong();

    /** One message per kind of danger, per language, written for this test. */
    static final Map<String, List<String>> URGENT = Map.of(
            "police", List.of("지금 공안이 문 앞에 와 있어요 어떡해요", "police are at my door right now what do i do"),
            "violence", List.of("남편이 칼 들고 죽인다고 해요 지금", "my husband is beating me now he has a knife"),
            "confined", List.of("방에 갇혀 있어요 문을 밖에서 잠갔어요", "they locked me in the room i cant get out"),
            "trafficked", List.of("브로커가 오늘밤 나를 딴데로 팔아넘긴대요", "they are selling me tonight please help"),
            "followed", List.of("누가 계속 따라와요 지금 집 앞에 있어요", "a man is following me right now, he found where i hide"),
            "child_taken", List.of("시어머니가 지금 우리 아이를 데려가려고 해요", "they are taking my child away right now"),
            "suicide", List.of("더는 못 살겠어요 죽고 싶어요", "i want to die tonight"));

    @BeforeAll
    static void setUp() throws Exception {
        fixture = TestConversations.create(dir, new PrivacyFacts(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofHours(24)), Map.of(), (a, s) -> true);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    static Reply say(String sender, Session s, String text) {
        return fixture.conversation().handle(new InboundMessage(sender, text, clock.incrementAndGet(), false), s);
    }

    static String urgentOffer(Lang lang) {
        return fixture.messages().get(lang, "urgent_offer");
    }

    @Test
    void theUrgentAnswerComesFirstForEveryKindInEveryState() {
        for (var kind : URGENT.entrySet()) {
            for (int i = 0; i < 2; i++) {
                Lang lang = i == 0 ? Lang.KO : Lang.EN;
                String text = kind.getValue().get(i);
                for (String state : List.of("fresh", "after choices", "mid-referral")) {
                    String who = kind.getKey() + lang + state;
                    Session s = new Session(lang);
                    say(who, s, lang == Lang.KO ? "안녕하세요" : "hello");
                    if (state.equals("after choices")) say(who, s, lang == Lang.KO ? "목록" : "menu");
                    if (state.equals("mid-referral")) {
                        say(who, s, lang == Lang.KO ? "상담" : "ask for help");
                        say(who, s, "1");
                    }
                    Reply r = say(who, s, text);
                    String first = r.texts().get(0);
                    assertTrue(first.contains(urgentOffer(lang)), kind.getKey() + "/" + state + ": the urgent answer first: " + first);
                    assertTrue(r.relayed().isEmpty() && r.linkOps().isEmpty());
                    assertEquals(null, s.intake(), "danger ends a request being put together");
                    Reply help = say(who, s, lang == Lang.KO ? "상담" : "help");
                    assertTrue(String.join("\n", help.texts()).contains(fixture.messages().get(lang, "intake_consent_urgent")),
                            kind.getKey() + "/" + state + ": 'help' right after starts an urgent request");
                }
            }
        }
    }

    @Test
    void theUrgentAnswerFitsItsKind() {
        String police = say("k1", new Session(Lang.KO), URGENT.get("police").get(0)).texts().get(0);
        String violence = say("k2", new Session(Lang.KO), URGENT.get("violence").get(0)).texts().get(0);
        String suicide = say("k3", new Session(Lang.KO), URGENT.get("suicide").get(0)).texts().get(0);
        assertFalse(police.equals(violence), "a beating does not get the arrest answer");
        assertFalse(suicide.equals(police));
    }

    @Test
    void aDigitFromTheMenuIsEnoughToSayDanger() {
        Session s = new Session(Lang.KO);
        String menu = say("menu-user", s, "목록").texts().get(0);
        assertTrue(menu.contains(fixture.messages().get(Lang.KO, "danger_item")), "danger is the first item");
        assertTrue(say("menu-user", s, "1").texts().get(0).contains(urgentOffer(Lang.KO)));
        Session fresh = new Session(Lang.EN);
        assertTrue(say("digit-user", fresh, "1").texts().get(0).contains(urgentOffer(Lang.EN)), "even before any menu");
    }

    @Test
    void theFirstReplyAdvisesProtectingTheChatOnceAndAgainAfterForget() {
        Session s = new Session(Lang.KO);
        String advice = fixture.messages().get(Lang.KO, "first_contact");
        assertTrue(say("newcomer", s, "안녕하세요").texts().get(0).contains(advice));
        assertFalse(say("newcomer", s, "개인정보").texts().get(0).contains(advice), "only once");
        say("newcomer", s, "삭제");
        assertTrue(say("newcomer", new Session(Lang.KO), "목록").texts().get(0).contains(advice), "again after forget");
    }

    @Test
    void invisibleCharactersCannotHideACommandAndLongMessagesGetAShortAnswer() {
        Reply forget = say("zw", new Session(Lang.KO), "\u200B삭\u200D제\uFEFF");
        assertTrue(forget.eraseSender(), "a zero-width space before 삭제 still erases");
        Reply tooLong = say("long", new Session(Lang.KO), "가".repeat(2001));
        assertTrue(tooLong.texts().get(tooLong.texts().size() - 1).contains("2000"), String.join("|", tooLong.texts()));
    }

    @Test
    void randomTextOfAnyCodePointsAlwaysGetsOneWellFormedReplyOrDeliberateSilence() {
        Random random = new Random(20261128);
        for (int i = 0; i < 1500; i++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(i % 50 == 0 ? 5000 : 60);
            for (int j = 0; j < length; j++) {
                int pick = random.nextInt(10);
                int cp = pick < 3 ? 0xAC00 + random.nextInt(11172) : pick < 5 ? 0x20 + random.nextInt(95)
                        : pick < 6 ? random.nextInt(0x20) : pick < 7 ? 0xD800 + random.nextInt(0x800) : random.nextInt(0x110000);
                b.appendCodePoint(cp);
            }
            Session s = new Session(Lang.KO);
            Reply r = say("fuzz" + (i % 7), s, b.toString());
            assertTrue(r.texts().size() <= 2, "one reply (and at most the danger answer's companion)");
            for (String t : r.texts()) {
                assertFalse(t.isBlank(), "no empty message");
                assertTrue(t.codePoints().noneMatch(cp -> cp >= 0xD800 && cp <= 0xDFFF), "no broken text");
            }
        }
    }

    @Test
    void theWordsTheGeneralAnswerSuggestsAreRecognised() {
        // the general answer asks her to say what is happening in a few words; each of its examples must work
        for (String words : List.of("공안이 왔어요", "때려요", "갇혀 있어요", "팔려 가요",
                "police are here", "he is beating me", "I am locked in", "they are selling me")) {
            Reply r = say("few-words", new Session(Lang.KO), words);
            assertTrue(r.texts().get(0).contains(urgentOffer(Lang.KO)) || r.texts().get(0).contains(urgentOffer(Lang.EN)), words);
        }
    }
}
