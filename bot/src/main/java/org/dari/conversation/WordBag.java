package org.dari.conversation;

import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A message made only of words from one small vocabulary, in any order: "안녕하세요 저 처음인데요",
 * "hi there, what is this?". Korean is split into known pieces (so spacing does not matter:
 * "안녕하세요저는처음이에요"); English goes word by word, with stretched letters shortened
 * ("hiiii", "heyyy"). A message with any word outside the vocabulary (a real question has one:
 * 공안, marriage, visa) is not in the bag.
 */
final class WordBag {
    private static final int MAX_CHARS = 80;
    private static final Pattern SPLIT = Pattern.compile("[\\s\\p{P}\\p{S}]+");
    private static final Pattern LATIN = Pattern.compile("[a-z']+");
    private static final Pattern STRETCHED = Pattern.compile("([a-z])\\1{2,}");

    private final Set<String> korean;
    private final Set<String> english;
    private final int longestPiece;
    private final List<String> anchors;

    WordBag(List<String> koreanPieces, List<String> englishWords) {
        this(koreanPieces, englishWords, List.of());
    }

    /** @param anchors greetings that open a message ("안녕", "hello"): a Korean one as the start of a word, an English one as a word */
    WordBag(List<String> koreanPieces, List<String> englishWords, List<String> anchors) {
        Set<String> ko = new HashSet<>();
        for (String p : koreanPieces) {
            String s = Phrasing.squash(p);
            if (!s.isEmpty()) ko.add(s);
        }
        Set<String> en = new HashSet<>();
        for (String w : englishWords) en.add(english(w.strip().toLowerCase(Locale.ROOT)));
        this.korean = Set.copyOf(ko);
        this.english = Set.copyOf(en);
        this.longestPiece = ko.stream().mapToInt(String::length).max().orElse(0);
        this.anchors = anchors.stream().map(a -> english(Phrasing.squash(a))).filter(a -> !a.isEmpty()).toList();
    }

    /**
     * What follows a greeting that opens the message ("안녕하세요 혹시 계세요?" → "혹시 계세요?"), if it
     * opens with one; only words of the bag may come before it ("어 안녕").
     */
    Optional<String> afterGreeting(String text) {
        if (text.length() > MAX_CHARS || anchors.isEmpty()) return Optional.empty();
        String[] words = Normalizer.normalize(text, Normalizer.Form.NFKC).strip().split("\\s+");
        for (int i = 0; i < Math.min(3, words.length); i++) {
            String word = english(Phrasing.squash(words[i]));
            boolean anchor = anchors.stream().anyMatch(a -> LATIN.matcher(a).matches() ? word.equals(a) : word.startsWith(a));
            if (anchor) return Optional.of(String.join(" ", Arrays.asList(words).subList(i + 1, words.length)));
            if (!matches(words[i])) return Optional.empty();
        }
        return Optional.empty();
    }

    static WordBag empty() {
        return new WordBag(List.of(), List.of());
    }

    boolean matches(String text) {
        if (text.length() > MAX_CHARS) return false;
        String lower = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
        StringBuilder rest = new StringBuilder();
        boolean any = false;
        for (String token : SPLIT.split(lower.replace('’', '\''))) {
            if (token.isEmpty() || token.equals("'")) continue;
            any = true;
            if (LATIN.matcher(token).matches()) {
                if (!english.contains(english(token))) return false;
            } else {
                rest.append(token);
            }
        }
        return any && (rest.isEmpty() || segments(rest.toString()));
    }

    /** Most words (two in three, at most six words) from the bag: an opener if nothing else answers it. */
    boolean mostly(String text) {
        if (text.length() > MAX_CHARS) return false;
        String[] words = Normalizer.normalize(text, Normalizer.Form.NFKC).strip().split("\\s+");
        if (words.length > 6) return false;
        int known = 0;
        for (String w : words) if (matches(w)) known++;
        return known * 3 >= words.length * 2;
    }

    private static String english(String word) {
        return STRETCHED.matcher(word.replace("'", "")).replaceAll("$1$1");
    }

    /** Whether the text splits wholly into known pieces (dynamic programming over positions). */
    private boolean segments(String s) {
        boolean[] reachable = new boolean[s.length() + 1];
        reachable[0] = true;
        for (int i = 0; i < s.length(); i++) {
            if (!reachable[i]) continue;
            for (int len = 1; len <= longestPiece && i + len <= s.length(); len++) {
                if (korean.contains(s.substring(i, i + len))) reachable[i + len] = true;
            }
        }
        return reachable[s.length()];
    }
}
