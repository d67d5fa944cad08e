package org.dari.knowledge;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The retriever's in-memory scorer ranks exactly as the Lucene index it replaced: for every
 * question of the evaluation sets (and a few edge cases), with and without the classifier's
 * shortlist, the same entries in the same order with the same scores (to float rounding).
 */
class LexicalIndexTest {
    private static final double RELATIVE_TOLERANCE = 1e-4;

    static KnowledgeService service;
    static Retriever retriever;
    static LuceneReference reference;

    @BeforeAll
    static void build() {
        service = KnowledgeBaseTest.open(KnowledgeBaseTest.HOME.resolve("seeds"), KnowledgeBaseTest.HOME.resolve("i18n"));
        retriever = service.snapshot().retriever();
        reference = new LuceneReference(retriever.knowledgeBase(), retriever.offTopic(), retriever.analyzers(),
                retriever.synonyms(), retriever.weights());
    }

    @AfterAll
    static void close() throws IOException {
        reference.close();
        service.close();
    }

    record Question(String source, int line, Lang lang, String text) {
    }

    @Test
    void ranksEveryEvaluationQuestionAsLuceneDid() throws Exception {
        List<Question> questions = evaluationQuestions();
        assertTrue(questions.size() > 100, "the evaluation sets were found");
        List<String> differences = new ArrayList<>();
        int compared = 0;
        for (Question q : questions) {
            for (boolean shortlisted : new boolean[] {true, false}) {
                List<String> shortlist = shortlisted ? shortlist(q.text(), q.lang()) : List.of();
                String where = q.source() + ":" + q.line() + (shortlisted ? " shortlisted" : " all entries");
                String difference = difference(reference.search(q.text(), q.lang(), shortlist),
                        retriever.lexical(q.text(), q.lang(), shortlist));
                if (difference != null) differences.add(where + ": " + difference);
                compared++;
            }
        }
        assertEquals(List.of(), differences.stream().limit(20).toList(),
                differences.size() + " of " + compared + " rankings differ from Lucene's");
    }

    @Test
    void ranksEdgeCasesAsLuceneDid() {
        String longKorean = "강제북송 당하면 어떻게 되나요 ".repeat(20);
        String longEnglish = "what happens if i am deported back to north korea ".repeat(10);
        List<String> texts = List.of("", "   ", "???", "!!", "ㅋㅋㅋ", "1", "a", "여", longKorean, longEnglish,
                "련락 리유 로동 녀성", "Refuge deprot UNHCR", "강제북송당하면", "중국공안이 잡으러 오면 어떡해요");
        for (String text : texts) {
            for (Lang lang : Lang.values()) {
                for (List<String> shortlist : List.of(List.<String>of(), shortlist(text, lang), List.of("no-such-entry"))) {
                    String difference = difference(reference.search(text, lang, shortlist), retriever.lexical(text, lang, shortlist));
                    assertEquals(null, difference, "edge case #" + texts.indexOf(text) + " " + lang + " shortlist " + shortlist.size());
                }
            }
        }
    }

    /** The classifier's ten best ids, as {@link Retriever#rank} takes them. */
    private static List<String> shortlist(String text, Lang lang) {
        String cut = text.length() > 200 ? text.substring(0, 200) : text;
        return retriever.classifier().classify(cut, lang).stream().limit(Retriever.SHORTLIST).map(Retriever.Match::id).toList();
    }

    /** Null when both rankings hold the same ids in the same order with scores within the tolerance. */
    static String difference(List<Retriever.Match> expected, List<Retriever.Match> actual) {
        if (expected.size() != actual.size()) return "expected " + expected.size() + " entries, got " + actual.size();
        for (int i = 0; i < expected.size(); i++) {
            Retriever.Match e = expected.get(i);
            Retriever.Match a = actual.get(i);
            if (!e.id().equals(a.id())) return "rank " + i + ": expected " + e.id() + ", got " + a.id();
            double scale = Math.max(Math.abs(e.score()), Math.abs(a.score()));
            if (Math.abs(e.score() - a.score()) > RELATIVE_TOLERANCE * scale) {
                return "rank " + i + " (" + e.id() + "): expected score " + e.score() + ", got " + a.score();
            }
        }
        return null;
    }

    /** Every question of every set under eval/, read as the evaluation reads them (lang, expected, question). */
    static List<Question> evaluationQuestions() throws IOException, URISyntaxException {
        Path dir = Path.of(LexicalIndexTest.class.getClassLoader().getResource("eval").toURI());
        List<Question> out = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tsv")).sorted().toList()) {
                List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
                for (int i = 0; i < lines.size(); i++) {
                    String[] cols = lines.get(i).split("\t", 3);
                    if (cols.length < 3 || (i == 0 && cols[0].equals("lang"))) continue;
                    Lang lang = Lang.fromCode(cols[0].trim()).orElse(null);
                    if (lang != null) out.add(new Question(file.getFileName().toString(), i + 1, lang, cols[2].trim()));
                }
            }
        }
        return out;
    }
}
