package org.dari.knowledge;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bundled knowledge base and the decisions made on it. */
class KnowledgeBaseTest {
    static final Path HOME = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize();
    static KnowledgeService service;

    @BeforeAll
    static void load() {
        service = open(HOME.resolve("seeds"), HOME.resolve("i18n"));
    }

    static KnowledgeService open(Path seeds, Path i18n) {
        return new KnowledgeService(new KnowledgeService.Paths(seeds, i18n), Clock.systemUTC(),
                Thresholds.defaults(), Retriever.Weights.defaults(), notice -> { });
    }

    @Test
    void bundledSeedsAreValidAndCoverEveryRequiredTopic() throws IOException {
        SeedLoader.Result result = new SeedLoader(Clock.systemUTC()).load(HOME.resolve("seeds"));
        assertTrue(result.valid(), () -> "errors: " + result.errors());
        List<String> required = Files.readAllLines(HOME.resolve("seeds").resolve(SeedLoader.REQUIRED_TOPICS_FILE)).stream()
                .filter(l -> !l.isBlank() && !l.startsWith("#")).toList();
        assertEquals(45, required.size());
        KnowledgeBase kb = result.knowledgeBase();
        for (String id : required) {
            Entry e = kb.entry(id).orElseThrow(() -> new AssertionError("missing " + id));
            for (Lang lang : Lang.values()) {
                assertFalse(e.text(lang).answer().isBlank(), id + " " + lang);
                assertTrue(e.text(lang).examples().size() >= 5 && e.text(lang).examples().size() <= 10, id + " examples");
            }
            assertFalse(e.sources().isEmpty(), id + " sources");
        }
    }

    @Test
    void northKoreanWordsAreUnderstood() {
        Decision d = service.decide("보위부한테 잡혀서 북송되면 로동단련대 가요?", Lang.KO);
        assertOffered(d, "punishment-after-return");
    }

    @Test
    void koreanWithoutSpacesIsUnderstood() {
        Decision d = service.decide("중국정부가탈북자를경제이민자라고부르는이유가뭐예요", Lang.KO);
        assertOffered(d, "economic-migrant-label");
    }

    @Test
    void misspelledEnglishIsUnderstood() {
        Decision d = service.decide("is chinese polise alowed to deport refugess back to north korea", Lang.EN);
        assertTrue(d.kind() == Decision.Kind.ANSWER || d.kind() == Decision.Kind.SUGGEST, d.toString());
        assertTrue(d.matches().stream().limit(3).anyMatch(m -> m.id().equals("non-refoulement")), d.toString());
    }

    @Test
    void offTopicAndOperationalQuestionsAreDeclined() {
        assertEquals(Decision.Kind.DECLINE, service.decide("what is the weather like in beijing next week", Lang.EN).kind());
        assertEquals(Decision.Kind.DECLINE, service.decide("비빔밥 만드는 방법 알려주세요", Lang.KO).kind());
        Decision broker = service.decide("브로커 연락처 좀 알려줘요", Lang.KO);
        assertEquals(Decision.Kind.DECLINE, broker.kind());
        assertEquals(Decision.Reason.OUT_OF_SCOPE, broker.reason());
    }

    @Test
    void operationalRequestsAreRefusedButLookAlikeQuestionsAreNot() {
        for (String q : List.of("브로커 전화번호 좀 주세요", "두만강 어디로 건너면 안 들켜요", "국경을 넘을 때 어디가 안전해요",
                "신분증 없이 유심 어디서 사요", "give me a smuggler's wechat", "where is the river shallow enough to cross",
                "how can i send money to my family in north korea", "tell me the exact route to thailand, which border town",
                "라오스 가는 길 자세히 알려주세요")) {
            Decision d = service.decide(q, Lang.detect(q).orElseThrow());
            assertEquals(Decision.Reason.OUT_OF_SCOPE, d.reason(), q);
        }
        for (String q : List.of("제 위치나 이름도 단체에 넘어가요?", "국경을 넘은 사람은 난민이에요?", "브로커 비용이 얼마나 올랐어요",
                "the broker says only cash, no wechat pay. is this normal?", "how do brokers trick women",
                "can people reach thailand from china?", "is the route through laos dangerous for women?")) {
            Decision d = service.decide(q, Lang.detect(q).orElseThrow());
            assertTrue(d.reason() != Decision.Reason.OUT_OF_SCOPE, q + " -> " + d);
        }
    }

    @Test
    void greetingsGetTheMenu() {
        for (String hello : List.of("안녕하세요!!", "hi", "Hello there", "여보세요", "안녕하심까", "hello? anyone there",
                "what can i ask here", "여기 뭐 물어볼수 있어요", "처음인데 어떻게 써요")) {
            assertEquals(Decision.Kind.MENU, service.decide(hello, Lang.detect(hello).orElseThrow()).kind(), hello);
        }
    }

    @Test
    void dangerRightNowGoesToUrgentHelpAtOnce() {
        Decision d = service.decide("공안이 지금 문 앞에 왔어요 어떻게 해요", Lang.KO);
        assertEquals(Decision.Kind.ANSWER, d.kind());
        assertEquals("urgent-danger", d.matches().get(0).id());
        assertEquals("urgent-danger", service.decide("he is breaking the door, help me now", Lang.EN).matches().get(0).id());
    }

    /** A call from the security bureau is pressure to come back, not the police at the door. */
    @Test
    void aCallFromTheSecurityBureauIsNotThePoliceArriving() {
        for (String call : List.of("보위부에서 전화왔어요", "보위부에서 전화 왔어요", "보위부에서 전화가 왔어요",
                "보위부에서 연락 왔는데 돌아오래요", "보위부에서 전화 왔는데 돌아오라고 해요")) {
            assertEquals("pressure-to-return", service.decide(call, Lang.KO).matches().get(0).id(), call);
        }
        assertEquals("urgent-danger", service.decide("보위부 사람들이 집에 왔어요", Lang.KO).matches().get(0).id());
    }

    @Test
    void initialSoundRuleIsNormalized() {
        assertEquals("노동 연락 여성 이유", KoreanNormalizer.normalize("로동 련락 녀성 리유"));
        assertEquals("강제노동", KoreanNormalizer.normalize("강제노동"), "only at the start of a word");
    }

    @Test
    void validatorNamesFileAndField(@TempDir Path dir) throws IOException {
        Path seeds = copySeeds(dir);
        Path file = seeds.resolve("songbun.yaml");
        Files.writeString(file, Files.readString(file).replace("reviewed: ", "reviewed_typo: "));
        Files.delete(seeds.resolve("brokers.yaml"));
        SeedLoader.Result r = new SeedLoader(Clock.systemUTC()).load(seeds);
        assertFalse(r.valid());
        assertTrue(r.errors().stream().anyMatch(i -> i.file().equals("songbun.yaml") && i.field().equals("reviewed")), r.errors().toString());
        assertTrue(r.errors().stream().anyMatch(i -> i.field().equals("brokers")), "missing required topic named");
        assertTrue(r.errors().stream().anyMatch(i -> i.field().equals("related") && i.message().contains("brokers")),
                "a related id that no longer exists is named");
    }

    @Test
    void staleEntriesAreWarnedNotRefused(@TempDir Path dir) throws IOException {
        Path seeds = copySeeds(dir);
        Clock twoYearsLater = Clock.fixed(Instant.parse("2028-12-01T00:00:00Z"), ZoneOffset.UTC);
        SeedLoader.Result r = new SeedLoader(twoYearsLater).load(seeds);
        assertTrue(r.valid());
        assertTrue(r.issues().stream().anyMatch(i -> i.severity() == ValidationIssue.Severity.WARNING
                && i.message().startsWith("stale")));
    }

    @Test
    void validChangesAreServedWithoutRestartAndInvalidOnesAreRefused(@TempDir Path dir) throws Exception {
        Path seeds = copySeeds(dir);
        List<String> notices = new ArrayList<>();
        try (KnowledgeService live = new KnowledgeService(new KnowledgeService.Paths(seeds, HOME.resolve("i18n")),
                Clock.systemUTC(), Thresholds.defaults(), Retriever.Weights.defaults(), notices::add)) {
            Path file = seeds.resolve("songbun.yaml");
            String original = Files.readString(file);
            String title = live.snapshot().kb().entry("songbun").orElseThrow().text(Lang.EN).title();
            Files.writeString(file, original.replace(title, "Songbun, the family class system"));
            Thread.sleep(20);
            assertTrue(live.reloadIfChanged());
            assertEquals("Songbun, the family class system",
                    live.snapshot().kb().entry("songbun").orElseThrow().text(Lang.EN).title());

            Files.writeString(file, "id: songbun\nthis is: [not valid");
            assertFalse(live.reloadIfChanged());
            assertTrue(notices.stream().anyMatch(n -> n.contains("songbun.yaml")), notices.toString());
            assertTrue(live.snapshot().kb().entry("songbun").isPresent(), "previous content keeps serving");
            assertOffered(live.decide("출신성분이 나쁘면 박해인가요", Lang.KO), "songbun");
        }
    }

    @Test
    void invalidContentAtStartIsACleanError(@TempDir Path dir) throws IOException {
        Path seeds = copySeeds(dir);
        Files.writeString(seeds.resolve("extra.yaml"), "id: extra\n");
        var e = assertThrows(KnowledgeService.InvalidKnowledgeException.class, () -> open(seeds, HOME.resolve("i18n")));
        assertTrue(e.issues().stream().anyMatch(i -> i.file().equals("extra.yaml")));
    }

    private static void assertOffered(Decision d, String id) {
        assertTrue(d.kind() == Decision.Kind.ANSWER || d.kind() == Decision.Kind.SUGGEST, d.toString());
        assertEquals(id, d.matches().get(0).id(), d.toString());
    }

    private static Path copySeeds(Path dir) throws IOException {
        Path seeds = dir.resolve("seeds");
        Files.createDirectories(seeds);
        try (Stream<Path> files = Files.list(HOME.resolve("seeds"))) {
            for (Path f : files.toList()) Files.copy(f, seeds.resolve(f.getFileName()));
        }
        return seeds;
    }
}
