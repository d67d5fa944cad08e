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
class KnowledgeCacheTest {
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
        KnowledgeCache cache = KnowledgeCache.in(dir, "build-1");
        Classifier trained = new Classifier(examples(), SYNONYMS);
        String key = "key-1";
        cache.storeClassifier(key, trained);

        Classifier read = cache.loadClassifier(key, SYNONYMS).orElseThrow();
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
    void theKeyChangesWithEveryFileItIsMadeFrom() throws IOException {
        Path seeds = Files.createDirectories(dir.resolve("content/seeds/phrasings"));
        Path i18n = Files.createDirectories(dir.resolve("content/i18n"));
        Files.writeString(seeds.resolve("police.yaml"), "id: police\n");
        Files.writeString(i18n.resolve("synonyms-ko.txt"), "공안, 경찰\n");
        KnowledgeCache cache = KnowledgeCache.in(dir.resolve("cache"), "build-1");
        String key = cache.key(seeds.getParent(), i18n);
        assertEquals(64, key.length());
        assertEquals(key, cache.key(seeds.getParent(), i18n));
        assertNotEquals(key, KnowledgeCache.in(dir.resolve("cache"), "build-2").key(seeds.getParent(), i18n), "another build of the code");

        Files.writeString(i18n.resolve("synonyms-ko.txt"), "공안, 경찰, 보위부\n");
        String edited = cache.key(seeds.getParent(), i18n);
        assertNotEquals(key, edited, "a word list edited");
        Files.writeString(seeds.resolve("school.yaml"), "");
        String added = cache.key(seeds.getParent(), i18n);
        assertNotEquals(edited, added, "an empty file added in a folder below");
        Files.move(seeds.resolve("school.yaml"), seeds.resolve("schools.yaml"));
        assertNotEquals(added, cache.key(seeds.getParent(), i18n), "a file renamed");
        assertEquals(null, KnowledgeCache.none().key(seeds.getParent(), i18n), "no cache: nothing kept");
    }

    @Test
    void aCorruptedFileIsIgnoredAndReplacedByTheNextTraining() throws IOException {
        KnowledgeCache cache = KnowledgeCache.in(dir, "build-1");
        String key = "key-1";
        cache.storeClassifier(key, new Classifier(examples(), SYNONYMS));
        byte[] bytes = Files.readAllBytes(cache.file(KnowledgeCache.CachedFile.CLASSIFIER));
        // one bit of one weight, far from the header: the file still parses, only the checksum can tell
        bytes[bytes.length - 200] ^= 1;
        Files.write(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), bytes);
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "a flipped bit is noticed");

        Files.write(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), Arrays.copyOf(bytes, bytes.length / 2));
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "a cut-off file is ignored");

        cache.storeClassifier(key, new Classifier(examples(), SYNONYMS));
        assertTrue(cache.loadClassifier(key, SYNONYMS).isPresent(), "rewritten whole");
    }

    @Test
    void aFileFromOtherInputsOrAnotherBuildOrNotACacheIsIgnored() throws IOException {
        KnowledgeCache cache = KnowledgeCache.in(dir, "build-1");
        String key = "key-1";
        Classifier.Examples other = examples().add(Lang.KO, "school", "학교 다니고 싶어요");
        cache.storeClassifier("key-2", new Classifier(other, SYNONYMS));
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "made from other files");
        assertTrue(cache.loadClassifier("key-2", SYNONYMS).isPresent());
        Files.copy(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), cache.file(KnowledgeCache.CachedFile.INDEX));
        assertTrue(cache.loadIndex("key-2").isEmpty(), "the classifier's file in the index's place");

        Files.writeString(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), "DARI-CLS but then something else entirely", StandardCharsets.UTF_8);
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "a foreign file");
        Files.write(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), new byte[0]);
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "an empty file");
        Files.delete(cache.file(KnowledgeCache.CachedFile.CLASSIFIER));
        Files.createDirectory(cache.file(KnowledgeCache.CachedFile.CLASSIFIER));
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "a folder where the file should be");
        cache.storeClassifier(key, new Classifier(examples(), SYNONYMS));
        assertTrue(cache.loadClassifier(key, SYNONYMS).isEmpty(), "and it cannot be written over: still nothing, no crash");
    }

    @Test
    void aStartWithAUsableCacheBlendsTheClassifierInFromTheFirstAnswer() throws Exception {
        KnowledgeService.Paths paths = new KnowledgeService.Paths(KnowledgeBaseTest.HOME.resolve("seeds"), KnowledgeBaseTest.HOME.resolve("i18n"));
        KnowledgeCache cache = KnowledgeCache.in(dir, "build-1");
        Files.createDirectories(dir);
        Files.writeString(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), "garbage", StandardCharsets.UTF_8);
        Files.writeString(cache.file(KnowledgeCache.CachedFile.INDEX), "garbage", StandardCharsets.UTF_8);
        // a broken cache: the content trains and analyses as if there were none, and good files replace it
        try (KnowledgeService cold = open(paths, cache, false)) {
            assertTrue(Files.size(cache.file(KnowledgeCache.CachedFile.CLASSIFIER)) > 1000, "the garbage was replaced by the trained classifier");
            assertTrue(Files.size(cache.file(KnowledgeCache.CachedFile.INDEX)) > 1000, "and by the built index");
            // files made before: a start that used them does not write them again
            java.nio.file.attribute.FileTime made = java.nio.file.attribute.FileTime.fromMillis(1_000_000_000_000L);
            Files.setLastModifiedTime(cache.file(KnowledgeCache.CachedFile.CLASSIFIER), made);
            Files.setLastModifiedTime(cache.file(KnowledgeCache.CachedFile.INDEX), made);
            try (KnowledgeService warm = open(paths, cache, true)) {
                assertEquals(made, Files.getLastModifiedTime(cache.file(KnowledgeCache.CachedFile.CLASSIFIER)), "the classifier was read, not trained");
                assertEquals(made, Files.getLastModifiedTime(cache.file(KnowledgeCache.CachedFile.INDEX)), "the index was read, not built");
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
    }

    private static KnowledgeService open(KnowledgeService.Paths paths, KnowledgeCache cache, boolean trainInBackground) {
        return new KnowledgeService(paths, Clock.systemUTC(), Thresholds.defaults(), Retriever.Weights.defaults(),
                notice -> { }, trainInBackground, cache);
    }

    @Test
    void withoutABuildIdNothingIsCached() {
        KnowledgeCache cache = KnowledgeCache.in(dir, null);
        assertEquals(null, cache.key(KnowledgeBaseTest.HOME.resolve("seeds")));
        cache.storeClassifier(cache.key(KnowledgeBaseTest.HOME.resolve("seeds")), new Classifier(examples(), SYNONYMS));
        assertFalse(Files.exists(cache.file(KnowledgeCache.CachedFile.CLASSIFIER)));
        assertEquals(Optional.empty(), cache.loadClassifier(null, SYNONYMS));
    }

    private static TextAnalyzers analyzers() throws IOException {
        return new TextAnalyzers(TextAnalyzers.loadUserDictionary(KnowledgeBaseTest.HOME.resolve("i18n/nori-userdict-ko.txt")));
    }

    @Test
    void anIndexReadBackScoresEveryQuestionExactlyAsTheOneBuilt() throws IOException {
        KnowledgeBase kb = new SeedLoader(Clock.systemUTC()).load(KnowledgeBaseTest.HOME.resolve("seeds")).knowledgeBase();
        Retriever.Corpus corpus = Retriever.corpus(kb, Map.of());
        TextAnalyzers analyzers = analyzers();
        LexicalIndex built = corpus.index(analyzers);
        KnowledgeCache cache = KnowledgeCache.in(dir, "build-1");
        String key = "key-1";
        cache.storeIndex(key, built);
        LexicalIndex read = cache.loadIndex(key).orElseThrow();

        Map<Lang, Synonyms> synonyms = Map.of(Lang.KO, Synonyms.load(KnowledgeBaseTest.HOME.resolve("i18n/synonyms-ko.txt")),
                Lang.EN, Synonyms.load(KnowledgeBaseTest.HOME.resolve("i18n/synonyms-en.txt")));
        Retriever fromBuilt = new Retriever(kb, Map.of(), null, analyzers, synonyms, Retriever.Weights.defaults(), corpus, built);
        Retriever fromRead = new Retriever(kb, Map.of(), null, analyzers, synonyms, Retriever.Weights.defaults(), corpus, read);
        int compared = 0;
        for (Entry entry : kb.entries()) {
            for (Lang lang : Lang.values()) {
                Entry.Text t = entry.text(lang);
                if (t == null) continue;
                // questions made of the content's words, cut short and run together, so every field is hit
                for (String q : List.of(t.title(), t.answer().substring(0, Math.min(40, t.answer().length())), t.title().replace(" ", ""))) {
                    List<Retriever.Match> expected = fromBuilt.search(q, lang);
                    assertFalse(expected.isEmpty(), q);
                    assertEquals(expected, fromRead.search(q, lang), q);
                    compared++;
                }
            }
        }
        assertTrue(compared > 100, "compared " + compared);

        java.io.ByteArrayOutputStream first = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream second = new java.io.ByteArrayOutputStream();
        built.writeTo(new java.io.DataOutputStream(first));
        read.writeTo(new java.io.DataOutputStream(second));
        assertTrue(Arrays.equals(first.toByteArray(), second.toByteArray()), "read back, it writes the same bytes");
    }

    @Test
    void anIndexThatDoesNotHoldTogetherIsRefusedEvenWithAGoodChecksum() throws IOException {
        LexicalIndex.Builder builder = new LexicalIndex.Builder(analyzers().analyzer());
        builder.add("공안 단속", TextAnalyzers.KO_WORD);
        builder.add("검문 단속", TextAnalyzers.KO_WORD);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        builder.build().writeTo(new java.io.DataOutputStream(bytes));
        byte[] good = bytes.toByteArray();
        assertEquals(2, LexicalIndex.readFrom(java.nio.ByteBuffer.wrap(good)).maxDoc());
        // the last term (단속, in both documents; its documents, then its frequencies): its last document
        // number set beyond the index, below zero, then to its predecessor's
        for (int doc : new int[] {2, -1, 0}) {
            byte[] bad = good.clone();
            java.nio.ByteBuffer.wrap(bad).putInt(bad.length - 12, doc);
            org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                    () -> LexicalIndex.readFrom(java.nio.ByteBuffer.wrap(bad)), "document " + doc);
        }
        byte[] cut = Arrays.copyOf(good, good.length - 3);
        org.junit.jupiter.api.Assertions.assertThrows(IOException.class,
                () -> LexicalIndex.readFrom(java.nio.ByteBuffer.wrap(cut)));
    }

    @Test
    void theModelPredictsExactlyAsLiblinearDoes() {
        java.util.Random random = new java.util.Random(7);
        for (int classes : new int[] {2, 5}) {
            int features = 40;
            de.bwaldvogel.liblinear.Problem problem = new de.bwaldvogel.liblinear.Problem();
            problem.l = 300;
            problem.n = features + 1;
            problem.bias = 1;
            problem.x = new de.bwaldvogel.liblinear.Feature[problem.l][];
            problem.y = new double[problem.l];
            for (int i = 0; i < problem.l; i++) {
                problem.y[i] = random.nextInt(classes);
                problem.x[i] = randomVector(random, features, (int) problem.y[i]);
            }
            de.bwaldvogel.liblinear.Linear.disableDebugOutput();
            de.bwaldvogel.liblinear.Model model = de.bwaldvogel.liblinear.Linear.train(problem,
                    new de.bwaldvogel.liblinear.Parameter(de.bwaldvogel.liblinear.SolverType.L2R_LR, Classifier.COST, Classifier.EPSILON));
            for (int q = 0; q < 500; q++) {
                de.bwaldvogel.liblinear.Feature[] x = randomVector(random, features + 3, random.nextInt(classes));
                double[] expected = new double[classes];
                double[] got = new double[classes];
                de.bwaldvogel.liblinear.Linear.predictProbability(model, x, expected);
                Classifier.probabilities(java.nio.DoubleBuffer.wrap(model.getFeatureWeights()), classes, model.getNrFeature(), x, got);
                org.junit.jupiter.api.Assertions.assertArrayEquals(expected, got, "to the last bit, " + classes + " classes");
            }
        }
    }

    /** Sparse, ascending, with the bias feature last; leaning towards the features of {@code lean}. */
    private static de.bwaldvogel.liblinear.Feature[] randomVector(java.util.Random random, int features, int lean) {
        List<de.bwaldvogel.liblinear.Feature> out = new java.util.ArrayList<>();
        for (int f = 1; f <= features; f++) {
            if (random.nextInt(4) == 0 || f % 5 == lean) out.add(new de.bwaldvogel.liblinear.FeatureNode(f, random.nextDouble()));
        }
        out.add(new de.bwaldvogel.liblinear.FeatureNode(features + 1, 1.0));
        return out.toArray(de.bwaldvogel.liblinear.Feature[]::new);
    }
}
