package org.dari.knowledge;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Synonyms prepares its words once instead of for every question; the groups a question touches and
 * the words it expands to are the same as the former per-question code (kept below as the reference),
 * on every evaluation question with both languages' lists.
 */
class SynonymsSamenessTest {

    @Test
    void touchesAndExpandsAsBefore() throws Exception {
        List<String> texts = new ArrayList<>();
        for (var q : LexicalIndexTest.evaluationQuestions()) {
            texts.add(q.text());
            texts.add(Retriever.normalize(q.text(), q.lang()));
        }
        texts.addAll(List.of("", " ", "un fun", "FUN  un", "탈북 자", "련락", "UNHCR!!", "a\tb\nc"));
        int touched = 0;
        for (Lang lang : Lang.values()) {
            Path file = KnowledgeBaseTest.HOME.resolve("i18n").resolve("synonyms-" + lang.code() + ".txt");
            Synonyms synonyms = Synonyms.load(file);
            List<List<String>> groups = Reference.load(file);
            for (int i = 0; i < texts.size(); i++) {
                String text = texts.get(i);
                List<List<String>> expected = Reference.expansionGroups(groups, text);
                assertEquals(expected, synonyms.expansionGroups(text), lang + " text #" + i);
                assertEquals(Reference.groupIds(groups, text), synonyms.groupIds(text), lang + " text #" + i);
                if (!expected.isEmpty()) touched++;
            }
        }
        assertTrue(touched > 100, "the questions touch synonym groups (" + touched + ")");
    }

    /** The former Synonyms code, unchanged but for being static over a list of groups. */
    private static final class Reference {
        private static final java.util.regex.Pattern NOT_ASCII_WORD = java.util.regex.Pattern.compile("[^a-z0-9 ]");

        static List<List<String>> load(Path file) throws java.io.IOException {
            List<List<String>> groups = new ArrayList<>();
            for (String line : java.nio.file.Files.readAllLines(file, java.nio.charset.StandardCharsets.UTF_8)) {
                int hash = line.indexOf('#');
                String content = (hash >= 0 ? line.substring(0, hash) : line).strip();
                if (content.isEmpty()) continue;
                List<String> words = new ArrayList<>();
                for (String w : content.split(",")) {
                    String word = normalizeKey(w);
                    if (!word.isEmpty()) words.add(word);
                }
                if (words.size() > 1) groups.add(words);
            }
            return groups;
        }

        static List<List<String>> expansionGroups(List<List<String>> groups, String question) {
            String q = normalizeKey(question);
            String compact = q.replace(" ", "");
            String words = " " + NOT_ASCII_WORD.matcher(q).replaceAll(" ") + " ";
            List<List<String>> out = new ArrayList<>();
            for (List<String> group : groups) {
                if (group.stream().noneMatch(w -> matches(words, compact, w))) continue;
                List<String> missing = group.stream().filter(w -> !q.contains(w)).toList();
                if (!missing.isEmpty()) out.add(missing);
            }
            return out;
        }

        static List<Integer> groupIds(List<List<String>> groups, String question) {
            String q = normalizeKey(question);
            String compact = q.replace(" ", "");
            String words = " " + NOT_ASCII_WORD.matcher(q).replaceAll(" ") + " ";
            List<Integer> out = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                if (groups.get(i).stream().anyMatch(w -> matches(words, compact, w))) out.add(i);
            }
            return out;
        }

        private static boolean matches(String words, String compact, String word) {
            if (word.chars().allMatch(c -> c < 128)) return words.contains(" " + word + " ");
            return compact.contains(word.replace(" ", ""));
        }

        static String normalizeKey(String s) {
            return KoreanNormalizer.normalize(s.toLowerCase(Locale.ROOT)).replaceAll("\\s+", " ").strip();
        }
    }
}
