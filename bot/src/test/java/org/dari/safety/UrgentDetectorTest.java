package org.dari.safety;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled word lists in i18n/ on messages written for this test (not the development sets). */
class UrgentDetectorTest {
    static final Path I18N = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize().resolve("i18n");
    private static UrgentDetector detector;

    @BeforeAll
    static void load() throws IOException {
        detector = UrgentDetector.load(I18N);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "지금 공안이 집앞에 와있어요 | police",
            "공안들이문두드려요빨리 | police",
            "派出所 사람들 지금 우리집 들어왔슴다 | police",
            "보위부 사람이 집에 왔어요 | police",
            "공안이 밖에 있어요 | police",
            "방에서 못나가요 | confined",
            "이 건물 못나가요 도와주세요 | confined",
            "파출소에서 전화왔어 지금 오라고 안오면 데리러 온대 | police",
            "police r at the door now what i do | police",
            "im being arrested right now pls | police",
            "남편이 술먹고 때리고있어요 살려주세요 | violence",
            "그 남자가 칼 들고 죽인다고 함다 | violence",
            "he has a knife and says he will kill me | violence",
            "husband beating me now help | violence",
            "방에 가둬놓고 문 잠갔어요 나갈수가 없어요 | confined",
            "시집식구들이 하루종일 지켜요 못나가요 | confined",
            "they locked me in the room, cant get out | confined",
            "브로커가 오늘밤 딴데로 팔아넘긴대요 | trafficked",
            "오늘밤 팔려가요 | trafficked",
            "they are selling me tonight | trafficked",
            "broker wants to sell me to new man tomorow | trafficked",
            "모르는 남자가 계속 따라와요 | followed",
            "someone is following me from the market, im scared | followed",
            "시어머니가 우리 아들 데리고 가버렸어요 지금 | child_taken",
            "they took my baby just now | child_taken",
            "죽고싶어요 | suicide",
            "오늘 약 다 먹을려구요 더이상 못살겠어요 | suicide",
            "i want to kill myself tonight | suicide",
            "살려주세요 | general",
            "i am in danger please help | general",
    })
    void recognisesEachKindInBothLanguages(String message, String kind) {
        assertEquals(Optional.of(UrgentKind.byId(kind).orElseThrow()), detector.detect(message), message);
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "what happens if police arrest me",
            "is it true women are sold",
            "I was sold ten years ago and want to register my child",
            "공안에 잡히면 어떻게 되나요",
            "10년전에 팔려왔는데 아이 호구 올리고 싶어요",
            "예전에 남편이 때렸었는데 지금은 괜찮아요",
            "my friend was arrested last year, what can she do",
            "북송되면 어떤 처벌을 받나요",
            "칼로 고기 썰다가 손을 베었어요",
            "can police track my phone?",
            "how do I register my child without hukou",
            "탈북민들은 보통 어떻게 한국에 가나요",
            "보위부에서 전화왔어요",
            "시그널 영상통화 하면 소리가 안나와요",
            "보위부에서 전화 왔는데 돌아오라고 해요",
            "보위부에서 연락이 왔어요",
            "여기 내가 쓴 글 경찰이 볼수있어요? 서버에 남아요?",
            "보위부에서 전화 왔는데 돌아오면 집 돌려준대요",
            "i feel like i am trapped in this life, just venting",
            "안녕하세요",
            "",
    })
    void calmLookAlikesAreNotUrgent(String message) {
        assertEquals(Optional.empty(), detector.detect(message), message);
    }

    @Test
    void spacingZeroWidthAndNorthKoreanSpellingDoNotMatter() {
        assertTrue(detector.detect("지 금 공 안 이 문 앞 에 왔 어 요").isPresent());
        assertEquals(Optional.of(UrgentKind.POLICE), detector.detect("공\u200B안이 \u200D지금 왔어요"));
        assertEquals("여자 노동 이유", UrgentDetector.initialSound("녀자 로동 리유"));
        assertEquals("마련 노력", UrgentDetector.initialSound("마련 로력"));
    }

    @Test
    void mixedLanguageAndChineseWords() {
        assertEquals(Optional.of(UrgentKind.POLICE), detector.detect("公安 지금 문앞에 있어요 help"));
        assertEquals(Optional.of(UrgentKind.TRAFFICKED), detector.detect("broker 오늘밤 나를 판대요"));
    }

    @Test
    void neverThrowsOnStrangeInput() {
        Random random = new Random(11);
        for (int i = 0; i < 500; i++) {
            StringBuilder s = new StringBuilder();
            int n = random.nextInt(200);
            for (int j = 0; j < n; j++) s.appendCodePoint(random.nextInt(0x30000));
            detector.assess(s.toString());
        }
        assertFalse(detector.detect("a".repeat(1_000_000)).isPresent());
        assertTrue(detector.detect("살려주세요 " + "가".repeat(100_000)).isPresent());
    }

    // ---- validation of the word lists ----

    private static Path lists(Path dir, String body) throws IOException {
        Files.writeString(dir.resolve("urgent-xx.yaml"), body);
        return dir;
    }

    private static final String GOOD = """
            match_on: spaced
            cues:
              now:
                weight: 1
                patterns: ['\\bnow\\b']
            kinds:
              police:
                strong: ['police (are )?here']
                weak: ['police']
            """;

    @Test
    void aMinimalValidFileLoadsAndScores(@TempDir Path dir) throws IOException {
        UrgentDetector d = UrgentDetector.load(lists(dir, GOOD));
        assertEquals(Optional.of(UrgentKind.POLICE), d.detect("police are here"));
        // a weak match needs one cue more
        assertEquals(Optional.empty(), d.detect("police"));
        assertEquals(2, d.assess("police").score());
        assertEquals(Optional.of(UrgentKind.POLICE), d.detect("police now"));
        assertEquals(java.util.List.of("now"), d.assess("police now").cues());
    }

    @Test
    void badPatternNamesFileAndLine(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir,
                GOOD.replace("weak: ['police']", "weak: ['police(']"))));
        assertTrue(e.getMessage().startsWith("urgent-xx.yaml line 9: pattern does not compile"), e.getMessage());
    }

    @Test
    void unknownKindNamesFileAndLine(@TempDir Path dir) {
        IOException e = assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD.replace("  police:", "  polise:"))));
        assertEquals("urgent-xx.yaml line 7: unknown kind 'polise' (expected one of [police, violence, confined, "
                + "trafficked, followed, child_taken, suicide, general])", e.getMessage());
    }

    @Test
    void otherMistakesAreReported(@TempDir Path dir) throws IOException {
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD.replace("weight: 1", "weight: lots"))));
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD.replace("spaced", "sideways"))));
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD.replace("weak: ['police']", "weak: ['a*']"))));
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD.replace("weak:", "feeble:"))));
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, GOOD + "extra: 1\n")));
        assertThrows(IOException.class, () -> UrgentDetector.load(lists(dir, "match_on: [unclosed\n")));
        Files.delete(dir.resolve("urgent-xx.yaml"));
        assertThrows(IOException.class, () -> UrgentDetector.load(dir));
    }
}
