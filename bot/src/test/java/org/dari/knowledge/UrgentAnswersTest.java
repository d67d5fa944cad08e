package org.dari.knowledge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class UrgentAnswersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);

    /** A copy of the placeholder answers (test resources), one file per required kind. */
    private static Path placeholders(Path dir) throws Exception {
        Path source = Path.of(UrgentAnswersTest.class.getClassLoader().getResource("urgent-answers/police.yaml").toURI()).getParent();
        try (Stream<Path> files = Files.list(source)) {
            for (Path f : files.toList()) Files.copy(f, dir.resolve(f.getFileName()));
        }
        return dir;
    }

    private static void edit(Path dir, String file, String from, String to) throws IOException {
        Path f = dir.resolve(file);
        String text = Files.readString(f);
        assertTrue(text.contains(from), from);
        Files.writeString(f, text.replace(from, to));
    }

    private static List<String> problems(Path dir) {
        return assertThrows(UrgentAnswers.InvalidException.class, () -> UrgentAnswers.load(dir, CLOCK)).problems();
    }

    @Test
    void loadsEveryKindInBothLanguages(@TempDir Path dir) throws Exception {
        UrgentAnswers answers = UrgentAnswers.load(placeholders(dir), CLOCK);
        assertEquals(Set7.ALL, answers.kinds());
        UrgentAnswers.Answer ko = answers.answer("child_taken", Lang.KO).orElseThrow();
        assertEquals("시험용 제목 child_taken", ko.title());
        assertTrue(ko.text().startsWith("첫째 줄."));
        assertEquals(List.of("시험용 출처 child_taken"), ko.sourceLabels());
        assertEquals(List.of("Test source for police"), answers.answer("police", Lang.EN).orElseThrow().sourceLabels());
        assertFalse(answers.answer("suicide", Lang.KO).isPresent());
        assertFalse(answers.answer("nonsense", Lang.EN).isPresent());
    }

    @Test
    void suicideMayHaveAnAnswer(@TempDir Path dir) throws Exception {
        placeholders(dir);
        Files.writeString(dir.resolve("suicide.yaml"), Files.readString(dir.resolve("general.yaml")).replace("kind: general", "kind: suicide"));
        assertTrue(UrgentAnswers.load(dir, CLOCK).answer("suicide", Lang.EN).isPresent());
    }

    @Test
    void aMissingKindIsReported(@TempDir Path dir) throws Exception {
        Files.delete(placeholders(dir).resolve("followed.yaml"));
        assertEquals(List.of("followed: no urgent answer for this kind (add a file with kind: followed)"), problems(dir));
    }

    @Test
    void tooManyLinesOrCharactersAreReported(@TempDir Path dir) throws Exception {
        placeholders(dir);
        edit(dir, "police.yaml", "    첫째 줄.\n", "    1\n    2\n    3\n    4\n");
        edit(dir, "violence.yaml", "    First line.\n", "    " + "x".repeat(500) + "\n");
        edit(dir, "confined.yaml", "    첫째 줄.\n", "    " + "가".repeat(351) + "\n");
        assertEquals(List.of("confined.yaml: ko.answer has 371 characters; at most 350",
                "police.yaml: ko.answer has 6 lines; at most 5",
                "violence.yaml: en.answer has 526 characters; at most 500"), problems(dir));
    }

    @Test
    void missingLanguageSourcesAndBadKindAreReported(@TempDir Path dir) throws Exception {
        placeholders(dir);
        String general = Files.readString(dir.resolve("general.yaml"));
        Files.writeString(dir.resolve("general.yaml"), general.substring(0, general.indexOf("en:\n  title")));
        edit(dir, "police.yaml", "sources:\n  - en: \"Test source for police\"\n    ko: \"시험용 출처 police\"\n    date: 2023-07-18\n", "sources: []\n");
        edit(dir, "trafficked.yaml", "kind: trafficked", "kind: sold");
        edit(dir, "violence.yaml", "reviewed: 2026-11-01", "reviewed: 2027-01-01");
        edit(dir, "confined.yaml", "    ko: \"시험용 출처 confined\"\n", "");
        List<String> p = problems(dir);
        assertTrue(p.contains("general.yaml: the en text is missing"), p.toString());
        assertTrue(p.contains("police.yaml: at least one source is required"), p.toString());
        assertTrue(p.stream().anyMatch(s -> s.startsWith("trafficked.yaml: kind 'sold' is not one of")), p.toString());
        assertTrue(p.contains("trafficked: no urgent answer for this kind (add a file with kind: trafficked)"), p.toString());
        assertTrue(p.contains("violence.yaml: reviewed date is in the future"), p.toString());
        assertTrue(p.contains("confined.yaml: sources[0] needs both 'en' and 'ko' labels"), p.toString());
    }

    @Test
    void duplicateKindAndBrokenYamlAreReported(@TempDir Path dir) throws Exception {
        placeholders(dir);
        Files.copy(dir.resolve("police.yaml"), dir.resolve("police-2.yaml"));
        Files.writeString(dir.resolve("broken.yaml"), "kind: [police\n");
        List<String> p = problems(dir);
        assertTrue(p.contains("broken.yaml: not valid YAML"), p.toString());
        assertTrue(p.contains("police.yaml: kind 'police' already has an answer in police-2.yaml"), p.toString());
    }

    private static final class Set7 {
        static final java.util.Set<String> ALL = java.util.Set.copyOf(UrgentAnswers.REQUIRED_KINDS);
    }
}
