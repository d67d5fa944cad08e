package org.dari.knowledge;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as one knowledge-base file ({@code fuzz-entry.yaml}): {@link SeedLoader} never throws,
 * reports every problem as an issue, and whatever it accepts keeps the limits a reader on a small
 * phone relies on. Regression inputs: {@code SeedFileFuzzTestInputs/anySeedFile/}.
 */
class SeedFileFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dari-seed-fuzz");
        file = dir.resolve("fuzz-entry.yaml");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "10m")
    void anySeedFile(byte[] input) throws IOException {
        Files.write(file, input);
        SeedLoader.Result result = new SeedLoader(CLOCK).load(dir);
        assertTrue(result.entries().size() <= 1);
        for (ValidationIssue issue : result.issues()) {
            assertNotNull(issue.severity());
            assertNotNull(issue.message());
        }
        if (!result.valid()) {
            assertThrows(IllegalStateException.class, result::knowledgeBase);
            return;
        }
        assertEquals(1, result.entries().size(), "a valid folder with one file has its entry");
        Entry entry = result.entries().get(0);
        assertEquals("fuzz-entry", entry.id());
        assertTrue(Category.ids().contains(entry.category()));
        assertTrue(!entry.reviewed().isAfter(java.time.LocalDate.now(CLOCK)));
        assertTrue(entry.related().size() <= SeedLoader.MAX_RELATED);
        assertTrue(!entry.sources().isEmpty());
        for (Lang lang : Lang.values()) {
            Entry.Text t = entry.text(lang);
            assertTrue(!t.title().isEmpty() && t.title().length() <= 80);
            int max = lang == Lang.KO ? SeedLoader.KO_ANSWER_MAX_CHARS : SeedLoader.EN_ANSWER_MAX_CHARS;
            assertTrue(SeedLoader.charCount(t.answer()) <= max, "answer within the reader's limit");
            assertTrue(t.examples().size() >= 5);
        }
        assertNotNull(result.knowledgeBase());
    }
}
