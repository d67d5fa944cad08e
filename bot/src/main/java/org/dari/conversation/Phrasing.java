package org.dari.conversation;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * One thing said in many ways, as a small grammar: forms made of named parts (word lists), matched
 * against the whole message without spaces, punctuation and emoji, so "내기록다지워주세요" and
 * "내 기록 다 지워 주세요" are the same. A closed grammar: a message is the phrase only when every
 * letter of it belongs to a part, so a longer question that merely contains the words is not.
 * Markers (question words, "don't") block the match wherever they appear.
 */
final class Phrasing {
    static final int MAX_CHARS = 80;
    private static final Pattern SQUASH = Pattern.compile("[\\s\\p{P}\\p{S}]+");
    private static final Pattern WORD_SPLIT = Pattern.compile("[^\\p{L}\\p{N}']+");
    private static final Pattern ENGLISH_WORD = Pattern.compile("[a-z']+");
    private static final Pattern HAS_LETTER = Pattern.compile(".*\\p{L}.*");
    private static final int MAX_REPEAT = 6;

    private final Pattern whole;
    private final Set<String> blockingWords;
    private final List<String> blockingText;
    private final List<String> blockingMarks;

    private Phrasing(Pattern whole, Set<String> blockingWords, List<String> blockingText, List<String> blockingMarks) {
        this.whole = whole;
        this.blockingWords = Set.copyOf(blockingWords);
        this.blockingText = List.copyOf(blockingText);
        this.blockingMarks = List.copyOf(blockingMarks);
    }

    /**
     * @param forms    each a line of part names in order, each name optionally followed by
     *                 {@code ?} (may be left out), {@code *} (0 to 6 times) or {@code +} (1 to 6 times)
     * @param parts    part name → the words it may be
     * @param notWhen  markers that block the match: English words (whole words), marks such as "?",
     *                 other text (found anywhere in the message without spaces)
     */
    static Phrasing of(List<String> forms, Map<String, List<String>> parts, List<String> notWhen) {
        if (forms.isEmpty()) throw new IllegalArgumentException("no forms");
        List<String> alternatives = new ArrayList<>();
        for (String form : forms) alternatives.add(compileForm(form, parts));
        Set<String> words = new HashSet<>();
        List<String> text = new ArrayList<>();
        List<String> marks = new ArrayList<>();
        for (String marker : notWhen) {
            String m = marker.strip().toLowerCase(Locale.ROOT);
            if (m.isEmpty()) continue;
            if (ENGLISH_WORD.matcher(m).matches()) words.add(m);
            else if (!HAS_LETTER.matcher(m).matches()) marks.add(m);
            else text.add(squash(m));
        }
        Pattern whole = Pattern.compile("(?:" + String.join("|", alternatives) + ")");
        return new Phrasing(whole, words, text, marks);
    }

    /** Reads {@code forms} and optional {@code not_when} from a YAML node, with parts shared by several phrasings. */
    static Phrasing of(JsonNode node, Map<String, List<String>> parts, String name) throws IOException {
        if (node == null || !node.has("forms")) throw new IOException("phrasing '" + name + "' has no forms");
        try {
            return of(strings(node.get("forms")), parts, strings(node.get("not_when")));
        } catch (IllegalArgumentException e) {
            throw new IOException("phrasing '" + name + "': " + e.getMessage(), e);
        }
    }

    static Map<String, List<String>> parts(JsonNode node) {
        Map<String, List<String>> parts = new java.util.HashMap<>();
        if (node != null) node.fields().forEachRemaining(e -> parts.put(e.getKey(), strings(e.getValue())));
        return parts;
    }

    static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        if (list != null && list.isArray()) list.forEach(n -> out.add(n.asText()));
        return out;
    }

    boolean matches(String text) {
        return text.length() <= MAX_CHARS && matches(Prepared.of(text));
    }

    /** A message's forms that every phrasing compares against, computed once per message. */
    record Prepared(String lower, String[] words, String squashed) {
        static Prepared of(String text) {
            String lower = text.toLowerCase(Locale.ROOT);
            return new Prepared(lower, WORD_SPLIT.split(lower), squash(lower));
        }

        @Override
        public String toString() {
            return "Prepared[redacted]";
        }
    }

    /** Like {@link #matches(String)}, for a text of at most {@link #MAX_CHARS} characters. */
    boolean matches(Prepared text) {
        String lower = text.lower();
        for (String mark : blockingMarks) if (lower.contains(mark)) return false;
        if (!blockingWords.isEmpty()) {
            for (String word : text.words()) if (blockingWords.contains(word)) return false;
        }
        String squashed = text.squashed();
        if (squashed.isEmpty()) return false;
        for (String t : blockingText) if (squashed.contains(t)) return false;
        return whole.matcher(squashed).matches();
    }

    /** Lower case, NFKC (as incoming text is: ㅠ becomes a conjoining jamo), no spaces, punctuation or symbols. */
    static String squash(String s) {
        return SQUASH.matcher(Normalizer.normalize(s, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT)).replaceAll("");
    }

    private static String compileForm(String form, Map<String, List<String>> parts) {
        StringBuilder regex = new StringBuilder();
        for (String token : form.strip().split("\\s+")) {
            char last = token.charAt(token.length() - 1);
            boolean quantified = last == '?' || last == '*' || last == '+';
            String name = quantified ? token.substring(0, token.length() - 1) : token;
            List<String> words = parts.get(name);
            if (words == null || words.isEmpty()) throw new IllegalArgumentException("unknown or empty part '" + name + "'");
            regex.append(alternation(words));
            if (last == '?') regex.append('?');
            else if (last == '*') regex.append("{0,").append(MAX_REPEAT).append('}');
            else if (last == '+') regex.append("{1,").append(MAX_REPEAT).append('}');
        }
        return regex.toString();
    }

    private static String alternation(List<String> words) {
        Set<String> squashed = new LinkedHashSet<>();
        for (String w : words) {
            String s = squash(w);
            if (!s.isEmpty()) squashed.add(s);
        }
        // longest first, so that "싹다" is tried before "싹"
        List<String> sorted = new ArrayList<>(squashed);
        sorted.sort(Comparator.comparingInt(String::length).reversed());
        return "(?:" + String.join("|", sorted.stream().map(Pattern::quote).toList()) + ")";
    }
}
