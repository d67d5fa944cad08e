package org.dari.knowledge;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Extra phrasings in seeds/phrasings/: loading, validation, and that they teach the classifier. */
class PhrasingsTest {
    @TempDir
    Path tmp;

    @Test
    void aMissingOrEmptyFolderIsNoPhrasings() throws IOException {
        Phrasings missing = Phrasings.load(tmp.resolve("absent"));
        assertEquals(0, missing.size());
        assertTrue(missing.issues().isEmpty());
        Files.createDirectories(tmp.resolve("empty"));
        Phrasings empty = Phrasings.load(tmp.resolve("empty"));
        assertEquals(0, empty.size());
        assertTrue(empty.validate(Set.of("a")).isEmpty());
    }

    @Test
    void filesInSubfoldersAreMergedByIdAndUnknownIdsAreErrors() throws IOException {
        Path dir = tmp.resolve("phrasings");
        write(dir.resolve("writer-a/brokers.yaml"), "id: brokers\nko: [\"가\", \"나\"]\nen: [\"one\"]\n");
        write(dir.resolve("writer-b/more.yaml"), "id: brokers\nko: [\"다\"]\n");
        write(dir.resolve("none.yaml"), "id: _none\nen: [\"what is the capital of france\"]\n");
        write(dir.resolve("menu.yaml"), "id: _menu\nko: [\"안녕\"]\n");
        write(dir.resolve("typo.yaml"), "id: brokerz\nen: [\"x\"]\n");
        write(dir.resolve("broken.yaml"), "id: [unclosed\n");
        write(dir.resolve("notes.txt"), "not read");
        Phrasings p = Phrasings.load(dir);
        assertEquals(List.of("가", "나", "다"), p.of("brokers", Lang.KO));
        assertEquals(List.of("one"), p.of("brokers", Lang.EN));
        assertEquals(List.of("what is the capital of france"), p.of(Phrasings.NONE, Lang.EN));
        assertEquals(List.of("안녕"), p.of(Phrasings.MENU, Lang.KO));
        List<ValidationIssue> issues = p.validate(Set.of("brokers"));
        assertTrue(issues.stream().anyMatch(i -> i.message().contains("'brokerz'")), issues::toString);
        assertTrue(issues.stream().anyMatch(i -> i.file().contains("broken.yaml")), issues::toString);
        assertEquals(2, issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.ERROR).count(), issues::toString);
    }

    @Test
    void phrasingsTeachTheClassifierAndBadIdsRefuseTheLoad() throws IOException {
        Path seeds = tmp.resolve("seeds");
        Files.createDirectories(seeds);
        try (Stream<Path> files = Files.list(KnowledgeBaseTest.HOME.resolve("seeds"))) {
            for (Path f : files.filter(Files::isRegularFile).toList()) Files.copy(f, seeds.resolve(f.getFileName()));
        }
        Path i18n = KnowledgeBaseTest.HOME.resolve("i18n");
        String made = "qorvexia plumbatrix";
        try (KnowledgeService without = withClassifier(seeds, i18n)) {
            Decision d = without.decide(made, Lang.EN);
            assertTrue(d.matches().isEmpty() || !d.matches().get(0).id().equals("phone-safety"), d::toString);
        }
        write(seeds.resolve("phrasings/w1/phone.yaml"), "id: phone-safety\nen: [\"" + made + "\", \"my " + made + " again\"]\n");
        write(seeds.resolve("phrasings/w1/hello.yaml"), "id: _menu\nen: [\"blorptastic\", \"blorptastic friend\"]\n");
        try (KnowledgeService with = withClassifier(seeds, i18n)) {
            Decision d = with.decide(made, Lang.EN);
            assertEquals("phone-safety", d.matches().get(0).id(), d::toString);
            assertEquals(Decision.Kind.MENU, with.decide("blorptastic", Lang.EN).kind());
        }
        write(seeds.resolve("phrasings/w2/typo.yaml"), "id: phone-safetyy\nen: [\"x\"]\n");
        assertThrows(KnowledgeService.InvalidKnowledgeException.class, () -> withClassifier(seeds, i18n));
    }

    private static KnowledgeService withClassifier(Path seeds, Path i18n) {
        return new KnowledgeService(new KnowledgeService.Paths(seeds, i18n), java.time.Clock.systemUTC(),
                new Thresholds(34, 109, 66, 96, 0.75), Retriever.Weights.defaults().withClassifier(0.5), notice -> { });
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }
}
