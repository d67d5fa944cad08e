package org.dari.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A trained classifier kept on disk is used only when it is whole and was made from the same inputs. */
class ClassifierCacheTest {
    private static final Map<Lang, Synonyms> SYNONYMS = Map.of(
            Lang.KO, new Synonyms(List.of(List.of("공안", "경찰"))),
            Lang.EN, new Synonyms(List.of(List.of("police", "cops"))));
    private static final List<String> KO_QUESTIONS = List.of("경찰이 찾아오면 어떻게", "아이 학교 보내기", "돈을 못 받았어요", "안녕");
    private static final List<String> EN_QUESTIONS = List.of("the cops came to the door", "school for my kid", "boss did not pay", "hello");

    @TempDir
    Path dir;

    private static Classifier.Examples examples() {
        return new Classifier.Examples()
                .addAll(Lang.KO, "police", List.of("공안이 집에 왔어요", "경찰에 잡히면 어떻게 돼요", "검문을 당하면"))
                .addAll(Lang.KO, "school", List.of("아이가 학교에 갈 수 있나요", "애 학교 보내고 싶어요"))
                .addAll(Lang.KO, "wages", List.of("월급을 안 줘요", "일한 돈을 못 받았어요", "사장이 돈을 안 줘요"))
                .addAll(Lang.KO, "~menu", List.of("안녕하세요", "처음이에요"))
                .addAll(Lang.EN, "police", List.of("police at my house", "what if the police catch me"))
                .addAll(Lang.EN, "school", List.of("can my child go to school", "school for my son"))
                .addAll(Lang.EN, "wages", List.of("my employer does not pay me", "unpaid wages"))
                .addAll(Lang.EN, "~menu", List.of("hi", "hello there"));
    }

    @Test
    void aClassifierReadBackGivesTheSameProbabilitiesAsTheOneTrained() {
        ClassifierCache cache = ClassifierCache.in(dir, "build-1");
        Classifier trained = new Classifier(examples(), SYNONYMS);
        String key = cache.key(examples(), SYNONYMS);
        cache.store(key, trained);

        Classifier read = cache.load(key, SYNONYMS).orElseThrow();
        for (String q : KO_QUESTIONS) assertEquals(trained.classify(q, Lang.KO), read.classify(q, Lang.KO), q);
        for (String q : EN_QUESTIONS) assertEquals(trained.classify(q, Lang.EN), read.classify(q, Lang.EN), q);
        assertEquals("police", read.classify("경찰이 찾아오면 어떻게", Lang.KO).get(0).id(), "the model read back still classifies");
    }

    @Test
    void trainingOneLanguageAfterTheOtherGivesTheSameModel() {
        Classifier parallel = new Classifier(examples(), SYNONYMS, true);
        Classifier sequential = new Classifier(examples(), SYNONYMS, false);
        for (String q : KO_QUESTIONS) assertEquals(parallel.classify(q, Lang.KO), sequential.classify(q, Lang.KO), q);
        for (String q : EN_QUESTIONS) assertEquals(parallel.classify(q, Lang.EN), sequential.classify(q, Lang.EN), q);
    }

    @Test
    void theKeyChangesWithEveryInput() {
        ClassifierCache cache = ClassifierCache.in(dir, "build-1");
        String key = cache.key(examples(), SYNONYMS);
        assertEquals(key, cache.key(examples(), SYNONYMS));
        assertNotEquals(key, ClassifierCache.in(dir, "build-2").key(examples(), SYNONYMS), "another build of the code");
        assertNotEquals(key, cache.key(examples().add(Lang.EN, "wages", "salary missing"), SYNONYMS), "one more phrasing");
        assertNotEquals(key, cache.key(examples(), Map.of(Lang.KO, SYNONYMS.get(Lang.KO))), "other synonyms");
        assertEquals(null, ClassifierCache.none().key(examples(), SYNONYMS), "no cache: nothing kept");
    }

    @Test
    void aCorruptedFileIsIgnoredAndReplacedByTheNextTraining() throws IOException {
        ClassifierCache cache = ClassifierCache.in(dir, "build-1");
        String key = cache.key(examples(), SYNONYMS);
        cache.store(key, new Classifier(examples(), SYNONYMS));
        byte[] bytes = Files.readAllBytes(cache.file());
        // one bit of one weight, far from the header: the file still parses, only the checksum can tell
        bytes[bytes.length - 200] ^= 1;
        Files.write(cache.file(), bytes);
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "a flipped bit is noticed");

        Files.write(cache.file(), Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "a cut-off file is ignored");

        cache.store(key, new Classifier(examples(), SYNONYMS));
        assertTrue(cache.load(key, SYNONYMS).isPresent(), "rewritten whole");
    }

    @Test
    void aFileFromOtherInputsOrAnotherBuildOrNotACacheIsIgnored() throws IOException {
        ClassifierCache cache = ClassifierCache.in(dir, "build-1");
        String key = cache.key(examples(), SYNONYMS);
        Classifier.Examples other = examples().add(Lang.KO, "school", "학교 다니고 싶어요");
        cache.store(cache.key(other, SYNONYMS), new Classifier(other, SYNONYMS));
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "trained on other phrasings");
        assertTrue(cache.load(cache.key(other, SYNONYMS), SYNONYMS).isPresent());

        ClassifierCache otherBuild = ClassifierCache.in(dir, "build-2");
        assertTrue(otherBuild.load(otherBuild.key(other, SYNONYMS), SYNONYMS).isEmpty(), "written by another build");

        Files.writeString(cache.file(), "DARI-CLS but then something else entirely", StandardCharsets.UTF_8);
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "a foreign file");
        Files.write(cache.file(), new byte[0]);
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "an empty file");
        Files.delete(cache.file());
        Files.createDirectory(cache.file());
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "a folder where the file should be");
        cache.store(key, new Classifier(examples(), SYNONYMS));
        assertTrue(cache.load(key, SYNONYMS).isEmpty(), "and it cannot be written over: still nothing, no crash");
    }

    @Test
    void aStartWithAUsableCacheBlendsTheClassifierInFromTheFirstAnswer() throws Exception {
        KnowledgeService.Paths paths = new KnowledgeService.Paths(KnowledgeBaseTest.HOME.resolve("seeds"), KnowledgeBaseTest.HOME.resolve("i18n"));
        ClassifierCache cache = ClassifierCache.in(dir, "build-1");
        Files.createDirectories(dir);
        Files.writeString(cache.file(), "garbage", StandardCharsets.UTF_8);
        // a broken cache: the content trains as if there were none, and a good file replaces it
        try (KnowledgeService cold = open(paths, cache, false);
             KnowledgeService warm = open(paths, cache, true)) {
            assertTrue(Files.size(cache.file()) > 1000, "the garbage was replaced by the trained classifier");
            assertTrue(warm.snapshot().retriever().hasClassifier(), "the cached classifier is in at once");
            for (String q : new String[] {"공안한테 잡히면 어떻게 돼요", "여기서 아이 낳으면 호적은", "can i get paid for my work"}) {
                Lang lang = q.chars().anyMatch(c -> c >= 0xAC00) ? Lang.KO : Lang.EN;
                Decision expected = cold.decide(q, lang);
                Decision got = warm.decide(q, lang);
                assertEquals(expected.kind(), got.kind(), q);
                assertEquals(expected.matches(), got.matches(), q);
            }
        }
    }

    private static KnowledgeService open(KnowledgeService.Paths paths, ClassifierCache cache, boolean trainInBackground) {
        return new KnowledgeService(paths, Clock.systemUTC(), Thresholds.defaults(), Retriever.Weights.defaults(),
                notice -> { }, trainInBackground, cache);
    }

    @Test
    void withoutABuildIdNothingIsCached() {
        ClassifierCache cache = ClassifierCache.in(dir, null);
        assertEquals(null, cache.key(examples(), SYNONYMS));
        cache.store(cache.key(examples(), SYNONYMS), new Classifier(examples(), SYNONYMS));
        assertFalse(Files.exists(cache.file()));
        assertEquals(Optional.empty(), cache.load(null, SYNONYMS));
    }
}
