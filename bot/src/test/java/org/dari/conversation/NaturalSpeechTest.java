package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Commands said the way people say them, thanks, greetings, feelings without words, the language
 * of the answers, and Chinese: all through the real conversation. The phrase lists were written
 * for this test; none is copied from an evaluation set.
 */
class NaturalSpeechTest {
    static TestConversations.Fixture fixture;
    static Messages messages;
    @TempDir
    static Path dir;
    static final AtomicLong clock = new AtomicLong();

    static final List<String> ERASE_KO = List.of(
            "삭제해주세요", "기록 지워줘", "다 지워", "내 기록 다 지워주세요", "삭제해 주세요", "지워 주세요", "기록 삭제해줘",
            "내 기록 삭제해 주세요", "제 기록을 다 지워 주세요", "대화 기록 전부 지워줘", "모든 기록 삭제해주세요",
            "내기록다지워주세요", "다 삭제해", "전부 삭제", "기록 다 삭제 부탁합니다", "정보 삭제 부탁드려요",
            "제발 다 지워주세요", "지금 바로 지워 주세요", "내 정보 다 없애 주세요", "기록을 지우고 싶어요",
            "제 정보를 삭제하고 싶습니다", "싹 다 지워줘", "지워주십시오", "기록 지워주시오", "다 지워라", "내 기록 지워요",
            "삭제요", "기록 삭제 부탁해요", "여기 남은 기록 다 지워 주세요!", "다 지워주세요 ㅠㅠ", "지우세요", "삭제하세요",
            "삭제해주세용", "내가 쓴 글 다 지워줘", "다리에 있는 기록 다 지워 주세요");
    static final List<String> ERASE_EN = List.of(
            "delete everything", "erase my data", "delete my data pls", "delete all my data", "please delete my messages",
            "erase everything", "delete everything now", "wipe my data", "remove my data please", "delete my history",
            "Delete my data!", "please erase everything you have on me", "i want to delete my data", "delete pls",
            "erase please", "clear all my data", "delete all my messages please", "Delete Everything.", "delete my info",
            "i want you to delete everything about me", "pls delete all my chats");
    /** Questions about erasing, and ordinary messages that look like an order to erase: none may erase. */
    static final List<String> NOT_ERASE = List.of(
            "기록은 어떻게 지워요?", "기록은 어떻게 지워요", "기록 지우는 방법", "기록 지우는 방법 알려주세요", "다 지워지나요?",
            "다 지워요?", "기록 지워도 돼요?", "삭제하면 어떻게 돼요?", "삭제하면 단체에도 알려지나요", "내 기록 지우지 마세요",
            "지우지 마", "기록은 지우지 말아 주세요", "남편이 내 기록을 다 지웠어요", "남편이 폰에서 기록을 지워요",
            "손전화 기록 어떻게 지워요", "대화 삭제는 어떻게 해요?", "시그널 대화 지우는 법", "메시지를 지워야 하나요?",
            "다 잊고 싶어요", "과거를 다 지우고 싶어요", "기억을 지우고 싶어요", "삭제된 기록은 복구돼요?", "지운 기록이 남아요?",
            "기록이 남나요", "기록 남아요?", "왜 다 지워야 해요?", "언제 지워져요", "지우면 다시 못 봐요?", "지워졌어요",
            "다 지웠어요", "지우기 전에 뭐 해야 해요", "공안이 내 기록을 볼 수 있어요?", "안녕하세요", "고마워요",
            "삭제가 뭐예요", "기록 보관 기간", "사진은 지워 주나요", "전화 기록도 지워 줄 수 있어요?", "기록 안 지워도 돼요",
            "how do i delete my data?", "how do i delete my data", "how to delete everything", "can you delete my data?",
            "did you delete my data", "is my data deleted", "do you delete my messages?", "does dari delete everything",
            "don't delete my data", "do not erase anything", "i deleted my messages", "my husband deleted my messages",
            "he wants to erase everything", "delete messages on my phone", "how do i delete signal messages",
            "i want to forget everything", "forget it", "what happens if i delete", "will my data be erased",
            "delete my data how", "erase my data?", "hello", "thank you", "where is my data kept", "who can see my messages",
            "delete the app", "don’t delete anything", "clear", "remove the sim card");

    @BeforeAll
    static void setUp() throws Exception {
        fixture = TestConversations.create(dir, new PrivacyFacts(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofHours(24)), Map.of(), (a, s) -> true);
        messages = fixture.messages();
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    static Reply say(Session s, String text) {
        return fixture.conversation().handle(new InboundMessage("natural", text, clock.incrementAndGet(), false), s);
    }

    static String said(Session s, String text) {
        return String.join("\n", say(s, text).texts());
    }

    /** A session that has already been greeted in its language, as most are when these things are said. */
    static Session greeted(Lang lang) {
        Session s = new Session(lang);
        say(s, lang == Lang.KO ? "안녕하세요" : "hello");
        return s;
    }

    @Test
    void erasingSaidNaturallyErasesInBothLanguages() {
        List<String> missed = new ArrayList<>();
        for (String text : concat(ERASE_KO, ERASE_EN)) {
            Lang lang = ERASE_KO.contains(text) ? Lang.KO : Lang.EN;
            Reply r = say(greeted(lang), text);
            if (!r.eraseSender() || !r.texts().get(0).contains(messages.get(lang, "forget_done"))) {
                missed.add(text + " → " + r.texts().get(0).lines().findFirst().orElse(""));
            }
        }
        assertEquals(List.of(), missed, "these should erase, confirmed in their language");
    }

    @Test
    void aBareHelpFirstGetsTheMenuAndAfterAQuestionStartsTheRequest() {
        for (String help : List.of("help", "도와주세요", "HELP", "도와줘")) {
            Lang lang = help.startsWith("도") ? Lang.KO : Lang.EN;
            String menuStart = messages.get(lang, "menu", "categories", "").lines().findFirst().orElseThrow();
            String first = said(new Session(lang), help);
            assertTrue(first.contains(menuStart) && !first.contains(messages.get(lang, "intake_consent")),
                    help + " as a first message shows the menu: " + first);
            Session answered = new Session(lang);
            say(answered, lang == Lang.KO ? "난민 신청은 어떻게 하나요?" : "how do i apply for refugee status?");
            assertTrue(said(answered, help).contains(messages.get(lang, "intake_consent")),
                    help + " after a question (answers end with 'send help') starts the request for help");
        }
    }

    @Test
    void questionsAboutErasingAndLookAlikesNeverErase() {
        List<String> misfired = new ArrayList<>();
        for (String text : NOT_ERASE) {
            if (say(greeted(Lang.KO), text).eraseSender()) misfired.add(text);
        }
        assertEquals(List.of(), misfired, "these must not erase");
    }

    @Test
    void aQuestionAboutErasingGetsThePrivacyAnswer() {
        for (String q : List.of("기록은 어떻게 지워요?", "how do i delete my data?")) {
            Lang lang = q.startsWith("how") ? Lang.EN : Lang.KO;
            String reply = said(greeted(lang), q);
            String title = lang == Lang.KO ? "다리는 무엇을 남기고, 어떻게 다 지우나요" : "What Dari keeps and how to erase it all";
            assertTrue(reply.contains(title), q + " → " + reply);
        }
    }

    @Test
    void languageSwitchesSaidNaturally() {
        Map<Lang, List<String>> switches = Map.of(
                Lang.KO, List.of("한국말로", "조선말", "조선말로 해주세요", "한국어로 답해 주세요", "in korean please", "korean",
                        "korean pls", "speak korean", "한국어로요", "다시 한국말로", "우리말로 해줘", "can you speak korean?",
                        "한글로 써주세요", "i speak korean", "Korean please!"),
                Lang.EN, List.of("english pls", "in english", "영어로", "english please", "영어로 해주세요", "speak english",
                        "reply in english", "englsh pls", "can you speak english?", "do you speak english", "영어로 말해줘",
                        "switch to english", "english", "In English, please."));
        List<String> missed = new ArrayList<>();
        for (var e : switches.entrySet()) {
            Lang target = e.getKey();
            Lang other = target == Lang.KO ? Lang.EN : Lang.KO;
            for (String text : e.getValue()) {
                Session s = greeted(other);
                String reply = said(s, text);
                if (s.lang() != target || !reply.contains(messages.get(target, "language_set"))) missed.add(text);
                // and it holds for what follows
                if (!said(s, "menu").contains(messages.get(target, "danger_item"))) missed.add(text + " (then menu)");
            }
        }
        assertEquals(List.of(), missed, "these should switch the language");
        for (String text : List.of("i am korean", "north korean", "korean police came", "in korea", "영어 공부하고 싶어요",
                "한국 대사관", "english teacher")) {
            assertFalse(said(greeted(Lang.KO), text).contains(messages.get(Lang.EN, "language_set")), text);
            assertFalse(said(greeted(Lang.EN), text).contains(messages.get(Lang.KO, "language_set")), text);
        }
    }

    @Test
    void thanksGetAWarmShortReplyInTheConversationsLanguage() {
        List<String> missed = new ArrayList<>();
        List<String> korean = List.of("고마워요", "감사합니다", "고맙슴다", "정말 고맙습니다", "감사해요", "고마워", "네 감사합니다",
                "알려주셔서 감사합니다", "도와줘서 고마워요", "고맙습니다ㅠㅠ", "감사ㅎㅎ", "ㄳ", "너무 감사해요!", "👍", "감사함다");
        List<String> english = List.of("thx", "thank you", "thanks", "thank you so much", "ok thanks", "thanks a lot", "ty",
                "thanks for your help", "thank u", "thanx", "Thank you!!", "thanks dari");
        for (String text : korean) {
            if (!said(greeted(Lang.KO), text).equals(messages.get(Lang.KO, "thanks_reply"))) missed.add(text);
        }
        for (String text : english) {
            if (!said(greeted(Lang.EN), text).equals(messages.get(Lang.EN, "thanks_reply"))) missed.add(text);
        }
        // a Korean writer's "thx" or "thank you" is answered in Korean
        for (String text : List.of("thx", "thank you", "ok thanks")) {
            if (!said(greeted(Lang.KO), text).equals(messages.get(Lang.KO, "thanks_reply"))) missed.add("KO " + text);
        }
        assertEquals(List.of(), missed, "these are thanks");
        for (String text : List.of("감사합니다 그런데 공안이 오면 어떻게 해요?", "thanks, but what if the police come?")) {
            assertFalse(said(greeted(Lang.KO), text).contains(messages.get(Lang.KO, "thanks_reply")), text);
            assertFalse(said(greeted(Lang.KO), text).contains(messages.get(Lang.EN, "thanks_reply")), text);
        }
    }

    @Test
    void okayIsHeardAndAnsweredWithWhatToDoNext() {
        for (String text : List.of("네", "알겠어요", "넵", "응", "ㅇㅋ", "알겠습니다", "ok", "okay")) {
            assertEquals(messages.get(Lang.KO, "okay_reply"), said(greeted(Lang.KO), text), text);
        }
        for (String text : List.of("ok", "yes", "got it", "i see", "alright", "OK!")) {
            assertEquals(messages.get(Lang.EN, "okay_reply"), said(greeted(Lang.EN), text), text);
        }
        // "no" and "yes" are words, not YAML booleans: "no" cancels
        assertEquals(messages.get(Lang.EN, "nothing_to_cancel"), said(greeted(Lang.EN), "no"));
        assertFalse(said(greeted(Lang.KO), "네 그런데 공안이 오면 어떻게 해요").contains(messages.get(Lang.KO, "okay_reply")));
    }

    @Test
    void feelingsWithoutWordsGetAWarmReplyWithTheWayToHelp() {
        for (String text : List.of("😭😭😭", "ㅠㅠㅠ", "...", "😢", "ㅜㅜ", "…", "😰", "ㅠ ㅠ")) {
            for (Lang lang : Lang.values()) {
                String reply = said(greeted(lang), text);
                assertEquals(messages.get(lang, "distress_reply"), reply, text);
            }
        }
        assertTrue(messages.get(Lang.KO, "distress_reply").contains("'상담'"));
        assertTrue(messages.get(Lang.EN, "distress_reply").contains("ask for help"));
    }

    /** Plain greetings and openers, with typos and without spaces, written for this test. */
    static final List<String> GREETINGS_KO = List.of(
            "안녕하세요", "안녕", "안녕하세여", "안녕하새요", "안뇽하세요", "안녕하세용", "안녕하십니까", "안녕하심까", "안녕 하세요",
            "안녕하세요!", "안녕하세요~", "안녕하세요 처음이에요", "처음이에요", "처음 왔어요", "처음입니다", "반갑습니다", "반가워요",
            "반갑슴다", "방가워요", "여보세요", "저기요", "계세요?", "누구 없어요?", "거기 누구 있어요?", "뭐 할 수 있어요?",
            "뭘 할 수 있어요", "무엇을 할 수 있나요", "뭐 물어봐도 돼요?", "여기 뭐 하는 곳이에요?", "이거 어떻게 써요?",
            "어떻게 사용해요", "시작", "시작할게요", "하이", "헬로", "ㅎㅇ", "안녕하세요 다리", "다리야 안녕", "안녕하세요 반갑습니다",
            "좋은 아침이에요", "안녕하세요?", "처음 써봐요", "뭐 물어볼 수 있어요?", "무엇을 물어볼 수 있나요", "여기 뭐예요",
            "이건 뭐예요", "누구세요", "넌 누구야", "안녕하세요저는처음이에요", "처음인데 어떻게 해요", "안녕하시오", "안녕하심니까",
            "뭐할수있어요", "여기는 뭐하는데에요", "ㅎㅇㅎㅇ", "이거 뭐하는 거예요", "안녕하세요 누구 있어요", "있어요?", "말 좀 물어볼게요",
            "질문 있어요", "물어볼 게 있어요");
    static final List<String> GREETINGS_EN = List.of(
            "hi", "hello", "hey", "hii", "hiii", "helo", "hallo", "hello!", "hi there", "hey there", "hello there",
            "good morning", "good evening", "good afternoon", "morning", "hi dari", "hello dari", "hey dari", "yo", "howdy",
            "greetings", "hello?", "anyone there?", "is anyone there", "hello is anyone there", "what can you do",
            "what can you do?", "what do you do", "what is this", "what's this", "whats this", "who are you",
            "how does this work", "how do i use this", "how to use this", "start", "get started", "hi how are you",
            "hello how are you", "what can i ask", "what can i ask you", "hi i'm new", "i am new here", "first time here",
            "helllo", "hey!", "hi!!", "good morning dari", "hi whats this", "heyy", "hello, anybody?", "hi, what can you do",
            "what do you know", "hi i have a question", "can i ask something", "i have a question", "hiya", "evening",
            "hellp", "hellow");

    /** A second list, written after the patterns were written for the first; measured before any change for it. */
    static final List<String> FRESH_GREETINGS_KO = List.of(
            "안녕하세요~~", "안녕하세요 저 처음 왔는데요", "안냐세요", "안녕하세요ㅎㅎ", "하이요", "반가워요 다리", "처음 와봤어요",
            "여기 처음인데요", "저 처음이에요", "다리 안녕하세요", "안녕하십니까 반갑습니다", "안녕하세요. 질문이 있어요",
            "궁금한 게 있어요", "말씀 좀 묻겠습니다", "물어볼게 있는데요", "저기요 계세요?", "누구 계세요", "여기 누구 있나요",
            "아무도 없나요?", "이거 뭐하는 데예요?", "여긴 뭐 하는 곳인가요", "이건 어떻게 쓰는 거예요?", "사용법 알려주세요",
            "어떻게 쓰는 거예요", "뭘 물어보면 돼요?", "무엇을 도와주나요", "무슨 일을 하나요?", "안녕ㅎㅎ", "헬로우",
            "좋은 저녁이에요", "안녕하세요 다리님", "처음이라 잘 몰라요", "시작하기", "시작해요", "여보세요?", "거기 있어요?",
            "도와줄 수 있어요?", "안녕하세용~", "반갑습니당", "ㅎㅇ요");
    static final List<String> FRESH_GREETINGS_EN = List.of(
            "hello!!", "hi :)", "hey hey", "hello hello", "hi again", "hey, anyone?", "good day", "hi, i'm new here",
            "hello, i have a question", "hey there dari", "hi dari!", "hellooo", "heyyy", "helloo there", "hi friend",
            "hello can you help me", "hello is this dari?", "what is dari", "what's dari", "what are you", "how do you work",
            "how does it work", "what is this bot", "what can i ask here", "what do you help with", "what can you help with",
            "how can you help me", "can i ask a question", "may i ask something", "anybody here?", "someone there?",
            "hi, how are you?", "hey how r u", "start please", "let's start", "begin", "hi there!", "good morning :)",
            "morning!", "hello? anyone?");

    /** A third list, written after the vocabulary was; measured once, not tuned on. */
    static final List<String> HELD_OUT_GREETINGS_KO = List.of(
            "안녕하세여~ 처음 왔슴다", "안녕하세요 여기가 다리인가요?", "안녕하세요!! 반가워요", "방가방가",
            "안녕하세요 저기 질문 하나 해도 될까요", "하이~", "어 안녕", "안녕하세요 혹시 계세요?", "다리님 안녕하세요",
            "처음인데요 뭐부터 하면 돼요", "이게 뭐예요?", "어떻게 시작해요?", "도움 좀 받을 수 있을까요", "무엇을 물어볼 수 있어요",
            "여기 뭐 물어보는 데예요?", "안녕하심까 처음임다", "좋은 아침", "안녕하세요 잘 부탁드립니다", "말 좀 물어봐도 돼요?",
            "저 궁금한 거 있어요", "여보세요 누구 있어요", "안녕하세요. 처음 써 봅니다.", "안녕ㅎㅎ 뭐해", "반가워요~", "누구세요?",
            "여긴 어디예요", "이거 어떻게 쓰는지 알려주세요", "뭐 하는 데야", "저기요~", "안녕하세요 다리야");
    static final List<String> HELD_OUT_GREETINGS_EN = List.of(
            "hey, is this the help bot?", "hi hi", "hello, how does this work?", "good evening dari", "hey is anybody here",
            "hi, who am i talking to?", "hello, new here", "helo there", "hi could you help me", "hey what is this app",
            "hello, what do you do?", "hiiii", "whats up", "yo dari", "hello good morning", "hi there, how are you doing?",
            "what are you for?", "how do i start", "hey, can i ask you something?", "hi, i need some information",
            "hello, can you tell me what you do", "heyyy anyone here", "good afternoon!", "hi, first time using this",
            "what is this service", "hello friend", "hi, i'd like to ask a question", "hey there, what can you do?",
            "hello there, is someone there?", "howdy dari");

    /**
     * A fourth list, written after the word bag and the greeting-then-anything rule. Measured once
     * before the last rule (most words of an opener + no answer → menu): KO 14/20, EN 17/20; after
     * it, KO 16/20, EN 17/20. Below the 95% target: held here as a floor against going backwards.
     */
    static final List<String> LAST_GREETINGS_KO = List.of(
            "안녕하세요 선생님", "안녕하세요~ 반갑습니다~", "안뇽", "안녕하십니까! 처음 인사드립니다", "여보세요 거기 누구 없소",
            "저 처음 들어왔는데요", "저기 말씀 좀 여쭤볼게요", "여기서 뭘 알 수 있나요", "이거 누가 하는 거예요?",
            "처음 써 보는데 어떻게 해요", "안녕하세요 여쭤볼 게 있어서요", "반가워요 저는 처음이에요", "하이하이", "안녕하세요??",
            "계세요~?", "안녕하세요 도움이 필요해서 왔어요", "시작할게요!", "다리야 반가워", "누구 있나요?", "여기 사람 있어요?");
    static final List<String> LAST_GREETINGS_EN = List.of(
            "hello sir", "hi, hello", "heyo", "hello!!! anyone?", "good morning everyone", "hi, is this the right place to ask?",
            "hey, new to this", "hello, i just found this", "hi, what is this chat?", "hey, how do i begin?",
            "hello, could you help me please", "hi what do i do here", "hi there, are you a person?", "hey dari, how are you?",
            "greetings!", "hi, i have some questions", "hello, can we talk?", "hi, is this working?", "hey you", "hello. i am new");

    /**
     * Asking what Dari can do, or for the list, in a sentence; written before the grammar for them
     * (asks_for_menu in i18n/commands.yaml). Through the conversation before it: KO 8/20, EN 13/20.
     */
    static final List<String> ASKS_FOR_MENU_KO = List.of(
            "뭘 물어볼수 있나요", "뭐 물어볼 수 있어요", "목록 보여줘", "무슨 도움 받을 수 있어요", "여기서 어떤 도움을 받을수 있나요",
            "뭘 도와줄수 있어요", "뭐 할 수 있어", "무엇을 알려주나요", "어떤 걸 물어봐야 돼요", "질문 목록 주세요",
            "물어볼 수 있는 거 알려줘", "도움 받을수 있는게 뭐예요", "너 뭐 할줄 알아", "무슨 내용 있어요", "목록",
            "어떤거 알려줄수 있음까", "안녕하심까 뭘 물어봄까", "메뉴 보여주세요", "여기 뭐 알려주는데예요", "누구세요");
    static final List<String> ASKS_FOR_MENU_EN = List.of(
            "what can i ask", "what can u do", "what can you do", "show me the list", "list of things",
            "what help can i get here", "what help can i get", "what kind of help do you give", "what do you know about",
            "what topics", "menu?", "can you help me", "what are my options", "how can you help me",
            "what questions can i ask you", "show list", "what else can i ask", "tell me what you can do",
            "what is this bot for", "who are you");

    @Test
    void askingWhatDariCanDoOrForTheListGetsTheMenu() {
        measureGreetings(ASKS_FOR_MENU_KO, ASKS_FOR_MENU_EN, "asks for the menu");
    }

    /** The grammar for asking for the menu is closed: a question with a real word in it is still a question. */
    @Test
    void aRealQuestionInTheSameWordsIsNotTakenForTheMenu() throws Exception {
        CommandWords words = CommandWords.load(TestConversations.HOME.resolve("i18n/commands.yaml"));
        for (String text : List.of("뭘 물어볼 수 있나요", "목록 보여주세요", "what help can i get here", "show me the list again")) {
            assertTrue(words.isOpener(text), text);
        }
        for (String text : List.of("무슨 도움을 받을 수 있어요 공안에 잡히면", "뭘 물어봐야 난민 신청이 돼요", "목록에 제 이름이 있어요?",
                "난민 목록 보여줘", "what help can i get for my child", "what can the police do to me",
                "show me the list of detention centres", "what kind of help does unhcr give")) {
            assertFalse(words.isOpener(text), text);
        }
    }

    /**
     * No way of asking a question the content holds (the writers' phrasings for the entries) is taken
     * for an opener. Questions about Dari itself are left out: the welcome with the menu answers them too.
     */
    @Test
    void noPhrasingOfAnEntryIsTakenForAnOpener() throws Exception {
        CommandWords words = CommandWords.load(TestConversations.HOME.resolve("i18n/commands.yaml"));
        org.dari.knowledge.Phrasings phrasings = org.dari.knowledge.Phrasings.load(TestConversations.HOME.resolve("seeds/phrasings"));
        List<String> taken = new ArrayList<>();
        int checked = 0;
        for (String id : phrasings.byId().keySet()) {
            if (id.startsWith("_") || id.equals("about-this-service")) continue;
            for (Lang lang : Lang.values()) {
                for (String text : phrasings.of(id, lang)) {
                    checked++;
                    if (words.isOpener(text)) taken.add(id + ": " + text);
                }
            }
        }
        assertTrue(checked > 1000, "phrasings found: " + checked);
        // one known: "do you know who i am" is all opener words ("do you know", "who are you")
        assertTrue(taken.size() <= 1, "taken for an opener: " + taken);
    }

    @Test
    void lastGreetingsGetTheMenu() {
        measureGreetings(LAST_GREETINGS_KO, LAST_GREETINGS_EN, "last", 0.8);
    }

    @Test
    void aGreetingFollowedByAQuestionGetsTheAnswerNotTheMenu() {
        for (String text : List.of("안녕하세요 공안이 신분증을 보자고 하면 어떻게 해요?", "hello, can i marry a chinese man legally?",
                "hi, what happens if i am sent back to north korea?")) {
            Lang lang = Lang.detect(text).orElseThrow();
            String reply = said(greeted(lang), text);
            assertFalse(reply.contains(messages.get(lang, "danger_item")), text + " → " + reply);
        }
    }

    @Test
    void heldOutGreetingsGetTheMenu() {
        measureGreetings(HELD_OUT_GREETINGS_KO, HELD_OUT_GREETINGS_EN, "held out");
    }

    @Test
    void greetingsAndOpenersGetTheMenu() {
        measureGreetings(GREETINGS_KO, GREETINGS_EN, "written with the patterns");
    }

    @Test
    void freshGreetingsGetTheMenu() {
        measureGreetings(FRESH_GREETINGS_KO, FRESH_GREETINGS_EN, "fresh");
    }

    private static void measureGreetings(List<String> korean, List<String> english, String set) {
        measureGreetings(korean, english, set, 0.95);
    }

    private static void measureGreetings(List<String> korean, List<String> english, String set, double floor) {
        List<String> failures = new ArrayList<>();
        for (Lang lang : Lang.values()) {
            List<String> list = lang == Lang.KO ? korean : english;
            List<String> missed = new ArrayList<>();
            for (String text : list) {
                // a conversation already greeted: a message not recognised as a greeting gets no menu then
                Session s = greeted(lang);
                say(s, lang == Lang.KO ? "공안이 집에 찾아오면 어떻게 해요?" : "what if the police come to my house?");
                String reply = said(s, text);
                if (!reply.contains(messages.get(lang, "danger_item"))) missed.add(text);
            }
            double recognised = 1.0 - (double) missed.size() / list.size();
            System.out.printf("greetings %s %s: %d/%d recognised, missed %s%n", set, lang, list.size() - missed.size(), list.size(), missed);
            failures.add(recognised >= floor ? "" : lang + ": " + Math.round(recognised * 100) + "% recognised; missed " + missed);
        }
        assertEquals("", String.join("", failures));
    }

    @Test
    void aKoreanConversationStaysKoreanThroughShortEnglishWords() {
        Session s = greeted(Lang.KO);
        say(s, "공안이 집에 찾아오면 어떻게 해요?");
        for (String text : List.of("more", "menu", "ok", "yes", "3", "sources", "thx", "MORE", "0", "cancel")) {
            say(s, text);
            assertEquals(Lang.KO, s.lang(), text);
        }
        assertTrue(said(s, "menu").contains(messages.get(Lang.KO, "danger_item")));
        // an English sentence is English
        say(s, "what happens if the police catch me");
        assertEquals(Lang.EN, s.lang());
    }

    @Test
    void aKoreanMessageInAnEnglishConversationGetsAKoreanAnswer() {
        Session s = greeted(Lang.EN);
        String reply = said(s, "공안이 집에 찾아오면 어떻게 해요?");
        assertEquals(Lang.KO, s.lang());
        assertTrue(reply.codePoints().anyMatch(cp -> cp >= 0xAC00 && cp <= 0xD7A3), reply);
        // even after English was chosen by command, a Korean sentence is answered in Korean
        Session chosen = greeted(Lang.KO);
        say(chosen, "english");
        say(chosen, "고마워요");
        assertEquals(Lang.KO, chosen.lang());
        // but a Korean command word keeps the chosen language
        Session kept = greeted(Lang.KO);
        say(kept, "english");
        assertTrue(said(kept, "메뉴").contains(messages.get(Lang.EN, "danger_item")));
    }

    @Test
    void chineseGetsOneShortAnswerInThreeLanguages() {
        String expected = messages.get(Lang.KO, "other_script") + "\n" + messages.get(Lang.EN, "other_script") + "\n"
                + messages.get(Lang.KO, "other_script_zh");
        assertEquals(messages.get(Lang.KO, "other_script_zh"), messages.get(Lang.EN, "other_script_zh"));
        for (String text : List.of("我需要帮助", "你好", "我在中国，需要帮助。", "这是什么？", "你好 hello")) {
            for (Lang lang : Lang.values()) {
                Session s = greeted(lang);
                assertEquals(expected, said(s, text), text);
                assertEquals(lang, s.lang(), "Chinese does not change the conversation's language");
            }
        }
        for (String text : List.of("派出所에 가면 어떻게 돼요?", "公安이 신분증을 보자고 하면 어떻게 해요", "what does 公安 mean")) {
            String reply = said(greeted(Lang.KO), text);
            assertFalse(reply.contains(messages.get(Lang.KO, "other_script_zh")), text + " → " + reply);
        }
        assertTrue(said(greeted(Lang.KO), "派出所에 가면 어떻게 돼요?").codePoints().anyMatch(cp -> cp >= 0xAC00 && cp <= 0xD7A3));
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
