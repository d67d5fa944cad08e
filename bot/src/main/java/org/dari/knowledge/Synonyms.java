package org.dari.knowledge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Groups of words that mean the same thing to the people who write to Dari
 * (North and South Korean forms, English variants and misspellings). A question
 * that contains any word of a group, even inside a run of words with no spaces,
 * is searched with the other words of the group too.
 *
 * File format: one group per line, words separated by commas; '#' starts a comment.
 */
public final class Synonyms {
    private static final java.util.regex.Pattern NOT_ASCII_WORD = java.util.regex.Pattern.compile("[^a-z0-9 ]");
    private static final java.util.regex.Pattern SPACES = java.util.regex.Pattern.compile("\\s+");

    private final List<List<String>> groups;
    /** The same groups, each word prepared once for matching (this runs for every question). */
    private final List<Word[]> prepared;

    /** A word of a group with the forms a question is searched for. */
    private record Word(boolean ascii, String padded, String compact) {
        static Word of(String word) {
            return new Word(word.chars().allMatch(c -> c < 128), " " + word + " ", word.replace(" ", ""));
        }

        /** @param words the question with everything but ASCII letters, digits and spaces blanked, padded with spaces */
        boolean in(String words, String compactQuestion) {
            // English words match on word boundaries so "un" does not fire inside "fun".
            return ascii ? words.contains(padded) : compactQuestion.contains(compact);
        }
    }

    public Synonyms(List<List<String>> groups) {
        this.groups = groups.stream().map(List::copyOf).toList();
        this.prepared = this.groups.stream().map(g -> g.stream().map(Word::of).toArray(Word[]::new)).toList();
    }

    /** The groups as loaded (what a cache of anything derived from them is keyed by). */
    List<List<String>> groups() {
        return groups;
    }

    public static Synonyms empty() {
        return new Synonyms(List.of());
    }

    public static Synonyms load(Path file) throws IOException {
        List<List<String>> groups = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
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
        return new Synonyms(groups);
    }

    /** The groups a question touches, each with the words the question does not already contain. */
    public List<List<String>> expansionGroups(String question) {
        String q = normalizeKey(question);
        String compact = q.replace(" ", "");
        String words = " " + NOT_ASCII_WORD.matcher(q).replaceAll(" ") + " ";
        List<List<String>> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (!touches(prepared.get(i), words, compact)) continue;
            List<String> missing = new ArrayList<>();
            for (String w : groups.get(i)) if (!q.contains(w)) missing.add(w);
            if (!missing.isEmpty()) out.add(List.copyOf(missing));
        }
        return out;
    }

    /** The positions of the groups the question touches (a word of the group appears in it). */
    public List<Integer> groupIds(String question) {
        String q = normalizeKey(question);
        String compact = q.replace(" ", "");
        String words = " " + NOT_ASCII_WORD.matcher(q).replaceAll(" ") + " ";
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < groups.size(); i++) {
            if (touches(prepared.get(i), words, compact)) out.add(i);
        }
        return out;
    }

    private static boolean touches(Word[] group, String words, String compact) {
        for (Word w : group) if (w.in(words, compact)) return true;
        return false;
    }

    static String normalizeKey(String s) {
        return SPACES.matcher(KoreanNormalizer.normalize(s.toLowerCase(Locale.ROOT))).replaceAll(" ").strip();
    }
}
