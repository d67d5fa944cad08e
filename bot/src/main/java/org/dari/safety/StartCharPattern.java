package org.dari.safety;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A regular expression together with the characters its matches can start with, read from the
 * pattern's text, so that {@link #find} tries a match only where one can begin. A long alternation
 * of words ({@code 살려|도와주|구해줘|…}) otherwise tries every word at every position of the
 * message: the urgent word lists cost more than answering the question did.
 *
 * <p>Exact: {@link #find} is true when one of the regexes, compiled on its own, finds a match. Each
 * top-level alternative is placed on its own; plain words are compared through a table by first
 * character; where a match can start is read from the pattern's text, and each such position is
 * tried with {@code lookingAt} on a region with transparent, non-anchoring bounds, so {@code \b},
 * {@code ^} and look-arounds see the whole text as {@code find} does. Alternatives whose start cannot
 * be read with certainty (a dot, an optional first element, a look-around inside), and regexes with
 * an inline flag, a quote, {@code \c} or {@code \G}, go in one alternation tried at every position
 * (each wrapped in {@code (?:…)}, so an inline flag ends with it); regexes with back-references,
 * named groups or surrogates are compiled alone.
 */
public final class StartCharPattern {
    private final List<Part> parts;
    /** How many alternatives went to the word table, the per-start alternations and the rest (for tests). */
    private final String shape;

    /** One alternation of the list, tried where its matches may start. */
    private sealed interface Part permits Literals, Anywhere, ByStart {
        boolean find(CharSequence text);
    }

    /**
     * Alternatives that are plain text (no operator, no case folding): found by comparing the text
     * at each position with the few words that start with its character, without the regex engine.
     */
    private record Literals(CharMap<String[]> byStart) implements Part {
        @Override
        public boolean find(CharSequence text) {
            int length = text.length();
            for (int i = 0; i < length; i++) {
                String[] words = byStart.get(text.charAt(i));
                if (words == null) continue;
                for (String w : words) if (startsWith(text, w, i)) return true;
            }
            return false;
        }

        private static boolean startsWith(CharSequence text, String word, int at) {
            int n = word.length();
            if (at + n > text.length()) return false;
            for (int k = 1; k < n; k++) if (text.charAt(at + k) != word.charAt(k)) return false;
            return true;
        }
    }

    /** Patterns whose start cannot be read: tried at every position, as {@code find} does. */
    private record Anywhere(Pattern pattern) implements Part {
        @Override
        public boolean find(CharSequence text) {
            return pattern.matcher(text).find();
        }
    }

    /**
     * Patterns whose (folded) start characters are known: {@code byStart} holds for each start
     * character the alternation of only those patterns that can start with it (other positions are
     * skipped), so a position is tried against a few words, not the whole list (any
     * alternative matching there is a match of the whole).
     */
    private record ByStart(boolean caseInsensitive, CharMap<Pattern> byStart,
                           ThreadLocal<Matchers> matchers) implements Part {
        @Override
        public boolean find(CharSequence text) {
            Matchers ms = matchers.get();
            try {
                int length = text.length();
                for (int i = 0; i < length; i++) {
                    Pattern here = byStart.get((char) fold(text.charAt(i), caseInsensitive));
                    if (here == null) continue;
                    Matcher m = ms.on(here, text);
                    m.region(i, length);
                    if (m.lookingAt()) return true;
                }
                return false;
            } finally {
                ms.release();
            }
        }
    }

    /**
     * One thread's matchers, one per pattern, kept between calls (a matcher costs more to make than
     * most tries cost to run). Each is pointed at the text when first used in a call and at an empty
     * text when the call ends, so no message stays referenced from here.
     */
    private static final class Matchers {
        private final Map<Pattern, Matcher> byPattern = new HashMap<>();
        private final List<Matcher> used = new ArrayList<>();

        Matcher on(Pattern pattern, CharSequence text) {
            Matcher m = byPattern.get(pattern);
            if (m == null) {
                m = pattern.matcher(text).useTransparentBounds(true).useAnchoringBounds(false);
                byPattern.put(pattern, m);
                used.add(m);
            } else if (!used.contains(m)) {
                m.reset(text); // keeps the transparent, non-anchoring bounds
                used.add(m);
            }
            return m;
        }

        void release() {
            for (Matcher m : used) m.reset("");
            used.clear();
        }
    }

    private StartCharPattern(List<Part> parts, String shape) {
        this.parts = List.copyOf(parts);
        this.shape = shape;
    }

    /**
     * Finds what any of {@code regexes}, each compiled on its own with {@code flags}, finds; an
     * empty list finds nothing.
     */
    public static StartCharPattern anyOf(List<String> regexes, int flags) {
        // find(A|B) is find(A) or find(B): each top-level alternative is placed on its own. Plain
        // words go to a table by first character; alternatives whose starts can be read go in one
        // alternation per start character; the rest in one alternation tried everywhere, except the
        // regexes that must be compiled alone (their groups are numbered or named, or they hold
        // surrogates, which change where a match may start)
        boolean ci = (flags & Pattern.CASE_INSENSITIVE) != 0;
        boolean readable = (flags & ~(Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE)) == 0;
        List<String> unknown = new ArrayList<>();
        List<Part> alone = new ArrayList<>();
        Map<Integer, List<String>> knownByStart = new HashMap<>();
        Map<Character, List<String>> literalsByStart = new HashMap<>();
        for (String regex : regexes) {
            if (ALONE.matcher(regex).find() || regex.chars().anyMatch(c -> Character.isSurrogate((char) c))) {
                alone.add(new Anywhere(Pattern.compile(regex, flags)));
                continue;
            }
            if (!readable || WHOLE.matcher(regex).find()) {
                unknown.add(regex); // wrapped in (?:…) when joined, so an inline flag ends with it
                continue;
            }
            for (String alternative : topLevelAlternatives(regex)) {
                if (!ci && isPlainText(alternative)) {
                    literalsByStart.computeIfAbsent(alternative.charAt(0), k -> new ArrayList<>()).add(alternative);
                    continue;
                }
                BitSet own = new BitSet();
                Reader reader = new Reader(alternative, ci);
                if (reader.alternatives(own) && reader.atEnd()) {
                    own.stream().forEach(c -> knownByStart.computeIfAbsent(c, k -> new ArrayList<>()).add(alternative));
                } else {
                    unknown.add(alternative);
                }
            }
        }
        List<Part> parts = new ArrayList<>();
        if (!literalsByStart.isEmpty()) {
            Map<Character, String[]> words = new HashMap<>();
            literalsByStart.forEach((c, list) -> words.put(c, list.stream().distinct().toArray(String[]::new)));
            parts.add(new Literals(new CharMap<>(words)));
        }
        if (!knownByStart.isEmpty()) {
            // the same list of regexes under many start characters is compiled once
            Map<List<String>, Pattern> compiled = new HashMap<>();
            Map<Character, Pattern> byStart = new HashMap<>();
            knownByStart.forEach((c, list) -> byStart.put((char) (int) c, compiled.computeIfAbsent(list, l -> join(l, flags))));
            parts.add(new ByStart(ci, new CharMap<>(byStart), ThreadLocal.withInitial(Matchers::new)));
        }
        if (!unknown.isEmpty()) parts.add(new Anywhere(join(unknown, flags)));
        parts.addAll(alone);
        int words = literalsByStart.values().stream().mapToInt(List::size).sum();
        int filtered = (int) knownByStart.values().stream().flatMap(List::stream).distinct().count();
        return new StartCharPattern(parts, "words " + words + ", by start " + filtered + ", anywhere " + unknown.size()
                + ", alone " + alone.size());
    }

    /**
     * The alternatives of {@code regex} at its top level; the whole regex when it cannot be split
     * safely (a quote, or a group or class that is not read).
     */
    static List<String> topLevelAlternatives(String regex) {
        if (WHOLE.matcher(regex).find() || ALONE.matcher(regex).find()) return List.of(regex);
        Reader reader = new Reader(regex, false);
        List<String> out = new ArrayList<>();
        int from = 0;
        while (true) {
            int end = reader.scan(from, true);
            if (end < 0 || (end < regex.length() && regex.charAt(end) != '|')) return List.of(regex);
            out.add(regex.substring(from, end));
            if (end == regex.length()) return out;
            from = end + 1;
        }
    }

    /**
     * Neither split nor read, only tried everywhere: an inline flag (it reaches past a {@code |}),
     * a quote, {@code \c} (it takes the next character, even a {@code |}), {@code \G}.
     */
    private static final Pattern WHOLE = Pattern.compile("\\(\\?[a-zA-Z-]|\\\\[QcG]");
    /** Compiled alone: a back-reference, a named group, or an escaped surrogate. */
    private static final Pattern ALONE = Pattern.compile("\\\\[1-9k]|\\(\\?<[a-zA-Z]|\\\\u[dD][89a-fA-F]|\\\\x\\{");

    /** Text a regex matches only as itself: no operator, escape or surrogate, and not empty. */
    private static boolean isPlainText(String regex) {
        if (regex.isEmpty()) return false;
        for (int i = 0; i < regex.length(); i++) {
            char c = regex.charAt(i);
            if ("\\[](){}.*+?^$|".indexOf(c) >= 0 || Character.isSurrogate(c)) return false;
        }
        return true;
    }

    /** Values by a character: a small open-addressing table, no boxing on lookup. */
    private static final class CharMap<V> {
        private final char[] keys;
        private final Object[] values;
        private final int mask;

        CharMap(Map<Character, V> byChar) {
            int size = Integer.highestOneBit(Math.max(4, byChar.size() * 3)) << 1;
            keys = new char[size];
            values = new Object[size];
            mask = size - 1;
            byChar.forEach((c, value) -> {
                int slot = c * 0x9E37 & mask;
                while (values[slot] != null) slot = (slot + 1) & mask;
                keys[slot] = c;
                values[slot] = value;
            });
        }

        @SuppressWarnings("unchecked")
        V get(char c) {
            int slot = c * 0x9E37 & mask;
            while (true) {
                Object v = values[slot];
                if (v == null || keys[slot] == c) return (V) v;
                slot = (slot + 1) & mask;
            }
        }
    }

    private static Pattern join(List<String> regexes, int flags) {
        StringBuilder joined = new StringBuilder();
        for (String r : regexes) {
            if (joined.length() > 0) joined.append('|');
            joined.append("(?:").append(r).append(')');
        }
        return Pattern.compile(joined.toString(), flags);
    }

    /** How many alternatives went to the word table, to the alternations by start, and to the rest. */
    String shape() {
        return shape;
    }

    /** Whether any of the regexes, compiled on its own, finds a match in {@code text}. */
    public boolean find(CharSequence text) {
        for (Part part : parts) if (part.find(text)) return true;
        return false;
    }

    private static int fold(char c, boolean caseInsensitive) {
        return caseInsensitive ? Character.toLowerCase(Character.toUpperCase(c)) : c;
    }

    /**
     * Reads the start of each alternative; false as soon as a start is not certain. Only what is
     * simple is understood: literal characters, escaped punctuation, {@code \d \s \w}, simple
     * character classes, {@code (…)} and {@code (?:…)} groups, and a leading {@code \b} or
     * look-around (zero-width: the match starts with what follows).
     */
    private static final class Reader {
        private final String p;
        private final boolean ci;
        private int i;

        Reader(String p, boolean ci) {
            this.p = p;
            this.ci = ci;
        }

        boolean atEnd() {
            return i == p.length();
        }

        /** Reads alternatives up to the end or an unmatched ')'; adds their starts. */
        boolean alternatives(BitSet starts) {
            while (true) {
                if (!alternative(starts)) return false;
                if (i < p.length() && p.charAt(i) == '|') {
                    i++;
                    continue;
                }
                return true;
            }
        }

        /** One alternative: its first element gives its start; the rest is skipped. */
        private boolean alternative(BitSet starts) {
            // zero-width at the start (a word boundary, a look-around): the match starts with what follows
            while (true) {
                if (p.startsWith("\\b", i)) {
                    i += 2;
                } else if (p.startsWith("(?<!", i) || p.startsWith("(?<=", i) || p.startsWith("(?!", i) || p.startsWith("(?=", i)) {
                    int close = groupEnd(i);
                    if (close < 0) return false;
                    i = close + 1;
                    if (optionalHere()) return false;
                } else {
                    break;
                }
            }
            if (i >= p.length() || p.charAt(i) == '|' || p.charAt(i) == ')') return false; // empty: may match ""
            if (!firstElement(starts)) return false;
            if (optionalHere()) return false;
            return skipToAlternativeEnd();
        }

        private boolean firstElement(BitSet starts) {
            char c = p.charAt(i);
            if (c == '(') {
                if (p.startsWith("(?:", i)) {
                    i += 3;
                } else if (p.startsWith("(?", i)) {
                    return false; // look-around, inline flag, named group
                } else {
                    i++;
                }
                if (!alternatives(starts)) return false;
                if (i >= p.length() || p.charAt(i) != ')') return false;
                i++;
                return true;
            }
            if (c == '[') return charClass(starts);
            if (c == '\\') return escape(starts);
            if (".^$?*+{}|)".indexOf(c) >= 0) return false;
            if (Character.isSurrogate(c)) return false;
            add(starts, c);
            i++;
            return true;
        }

        private boolean escape(BitSet starts) {
            if (i + 1 >= p.length()) return false;
            char e = p.charAt(i + 1);
            i += 2;
            switch (e) {
                case 'd' -> starts.set('0', '9' + 1);
                case 's' -> " \t\n\u000B\f\r".chars().forEach(starts::set);
                case 'w' -> {
                    starts.set('a', 'z' + 1);
                    starts.set('A', 'Z' + 1);
                    starts.set('0', '9' + 1);
                    starts.set('_');
                    if (ci) {
                        // a case-insensitive match folds: K and the Kelvin sign, s and the long s
                        return false;
                    }
                }
                default -> {
                    if (Character.isLetterOrDigit(e)) return false; // a property, a hex or octal code, a quote, a back-reference …
                    add(starts, e); // escaped punctuation stands for itself
                }
            }
            return true;
        }

        /** {@code [abc]} or {@code [a-z가-힣]} without negation, escapes or nesting. */
        private boolean charClass(BitSet starts) {
            int j = i + 1;
            if (j < p.length() && p.charAt(j) == '^') return false;
            BitSet set = new BitSet();
            while (j < p.length() && p.charAt(j) != ']') {
                char c = p.charAt(j);
                if (c == '\\' || c == '[' || c == '&' || Character.isSurrogate(c)) return false;
                if (j + 2 < p.length() && p.charAt(j + 1) == '-' && p.charAt(j + 2) != ']') {
                    char to = p.charAt(j + 2);
                    if (to < c || Character.isSurrogate(to) || to == '\\' || to == '[') return false;
                    for (char x = c; x <= to; x++) add(set, x);
                    j += 3;
                } else {
                    add(set, c);
                    j++;
                }
            }
            if (j >= p.length() || j == i + 1) return false;
            starts.or(set);
            i = j + 1;
            return true;
        }

        /** A quantifier after the first element that allows it to be absent. */
        private boolean optionalHere() {
            if (i >= p.length()) return false;
            char q = p.charAt(i);
            return q == '?' || q == '*' || (q == '{' && p.startsWith("{0", i));
        }

        /** Skips the rest of the alternative, to the '|' or ')' that ends it, or the end. */
        private boolean skipToAlternativeEnd() {
            int end = scan(i, true);
            if (end < 0) return false;
            i = end;
            return true;
        }

        /** The ')' closing the group that opens at {@code from}, or -1. */
        private int groupEnd(int from) {
            int end = scan(from + 1, false);
            return end < p.length() ? end : -1;
        }

        /**
         * From {@code from}, the first ')' not opened after it (or, with {@code stopAtBar}, a '|' at
         * that depth); the end of the pattern if none; -1 if groups stay open or a quote or class
         * cannot be read. Escapes and classes are skipped whole.
         */
        private int scan(int from, boolean stopAtBar) {
            int depth = 0;
            int j = from;
            while (j < p.length()) {
                char c = p.charAt(j);
                if (c == '\\') {
                    if (p.startsWith("\\Q", j)) return -1;
                    j += 2;
                    continue;
                }
                if (c == '[') {
                    int close = classEnd(j);
                    if (close < 0) return -1;
                    j = close + 1;
                    continue;
                }
                if (c == '(') {
                    depth++;
                } else if (c == ')') {
                    if (depth == 0) return j;
                    depth--;
                } else if (c == '|' && depth == 0 && stopAtBar) {
                    return j;
                }
                j++;
            }
            return depth == 0 ? p.length() : -1;
        }

        /** The ']' closing the class that opens at {@code from}, or -1 (nested classes are not read). */
        private int classEnd(int from) {
            int j = from + 1;
            if (j < p.length() && p.charAt(j) == '^') j++;
            if (j < p.length() && p.charAt(j) == ']') j++; // a leading ] is literal
            while (j < p.length()) {
                char c = p.charAt(j);
                if (c == '\\') {
                    j += 2;
                    continue;
                }
                if (c == '[') return -1;
                if (c == ']') return j;
                j++;
            }
            return -1;
        }

        private void add(BitSet set, char c) {
            set.set(fold(c, ci));
        }
    }
}
