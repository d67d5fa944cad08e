package org.dari.knowledge;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Answers must fit a phone: refused above 450 (Korean) / 700 (English) characters, warned above 350 / 550. */
class AnswerLengthValidationTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @Test
    void koreanAnswerOverTheLimitIsRefused(@TempDir Path dir) throws IOException {
        SeedLoader.Result r = loadWith(dir, e -> text(e, "ko").put("answer", korean(451)));
        assertFalse(r.valid());
        assertTrue(hasError(r, "ko.answer"), r.errors().toString());
    }

    @Test
    void englishAnswerOverTheLimitIsRefused(@TempDir Path dir) throws IOException {
        SeedLoader.Result r = loadWith(dir, e -> text(e, "en").put("answer", english(701)));
        assertFalse(r.valid());
        assertTrue(hasError(r, "en.answer"), r.errors().toString());
    }

    @Test
    void answersAtTheLimitPassWithAWarning(@TempDir Path dir) throws IOException {
        SeedLoader.Result r = loadWith(dir, e -> {
            text(e, "ko").put("answer", korean(450));
            text(e, "en").put("answer", english(700));
        });
        assertTrue(r.valid(), r.errors().toString());
        assertTrue(hasWarning(r, "ko.answer") && hasWarning(r, "en.answer"), r.issues().toString());
    }

    @Test
    void answersWithinTheAimGetNoLengthWarning(@TempDir Path dir) throws IOException {
        SeedLoader.Result r = loadWith(dir, e -> {
            text(e, "ko").put("answer", korean(350));
            text(e, "en").put("answer", english(550));
        });
        assertTrue(r.valid(), r.errors().toString());
        assertFalse(hasWarning(r, "ko.answer") || hasWarning(r, "en.answer"), r.issues().toString());

        SeedLoader.Result over = loadWith(dir.resolve("over"), e -> text(e, "ko").put("answer", korean(351)));
        assertTrue(over.valid(), over.errors().toString());
        assertTrue(hasWarning(over, "ko.answer"), over.issues().toString());
    }

    @Test
    void moreThanTwoRelatedEntriesAreRefused(@TempDir Path dir) throws IOException {
        SeedLoader.Result r = loadWith(dir, e -> e.putArray("related")
                .add("refugee-definition").add("refugee-sur-place").add("economic-migrant-label"));
        assertFalse(r.valid());
        assertTrue(hasError(r, "related"), r.errors().toString());
    }

    @Test
    void bundledAnswersAreWithinTheLimits() {
        SeedLoader.Result r = new SeedLoader(Clock.systemUTC()).load(KnowledgeBaseTest.HOME.resolve("seeds"));
        for (Entry e : r.entries()) {
            assertTrue(SeedLoader.charCount(e.text(Lang.KO).answer()) <= 450, e.id());
            assertTrue(SeedLoader.charCount(e.text(Lang.EN).answer()) <= 700, e.id());
            assertTrue(e.related().size() <= 2, e.id());
        }
    }

    @Test
    void charactersAreCountedAsTheReaderSeesThem() {
        assertEquals(3, SeedLoader.charCount("  한국어 \n"));
        assertEquals(2, SeedLoader.charCount("😀a"), "a character outside the basic plane counts once");
    }

    /** Loads a copy of the bundled seeds with one change made to songbun.yaml. */
    private static SeedLoader.Result loadWith(Path dir, Consumer<ObjectNode> change) throws IOException {
        Path seeds = dir.resolve("seeds");
        Files.createDirectories(seeds);
        try (Stream<Path> files = Files.list(KnowledgeBaseTest.HOME.resolve("seeds"))) {
            for (Path f : files.toList()) Files.copy(f, seeds.resolve(f.getFileName()));
        }
        Path file = seeds.resolve("songbun.yaml");
        ObjectNode entry = (ObjectNode) YAML.readTree(file.toFile());
        change.accept(entry);
        YAML.writeValue(file.toFile(), entry);
        return new SeedLoader(Clock.systemUTC()).load(seeds);
    }

    private static ObjectNode text(ObjectNode entry, String lang) {
        return (ObjectNode) entry.get(lang);
    }

    private static boolean hasError(SeedLoader.Result r, String field) {
        return r.errors().stream().anyMatch(i -> i.file().equals("songbun.yaml") && i.field().equals(field));
    }

    private static boolean hasWarning(SeedLoader.Result r, String field) {
        return r.issues().stream().anyMatch(i -> i.severity() == ValidationIssue.Severity.WARNING
                && i.file().equals("songbun.yaml") && i.field().equals(field));
    }

    /** Korean text of exactly n characters in words of four syllables (enough words to pass the word count). */
    static String korean(int n) {
        return exactly(n, "성분제도 ", '다');
    }

    static String english(int n) {
        return exactly(n, "ranks ", 's');
    }

    private static String exactly(int n, String word, char last) {
        StringBuilder b = new StringBuilder();
        while (b.length() < n) b.append(word);
        b.setLength(n);
        b.setCharAt(n - 1, last);
        String s = b.toString();
        assertEquals(n, SeedLoader.charCount(s));
        return s;
    }
}
