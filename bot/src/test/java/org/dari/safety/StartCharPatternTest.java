package org.dari.safety;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Trying only the positions where a match can start finds exactly what {@code Matcher.find} finds:
 * for every urgent pattern on every message of the evaluation sets, for hand-written patterns at
 * the edges of what the start reader understands, and for random patterns on random text.
 */
class StartCharPatternTest {
    private static final Path I18N = Path.of("..", "i18n");
    private static final Path RESOURCES = Path.of("src", "test", "resources");

    @Test
    void everyUrgentPatternFindsWhatFindFindsOnEveryEvaluationMessage() throws IOException {
        List<String> patterns = urgentPatterns();
        List<String> texts = new ArrayList<>();
        for (String raw : messages()) {
            String spaced = UrgentDetector.initialSound(TextNormalizer.normalize(raw).toLowerCase(Locale.ROOT));
            texts.add(spaced);
            texts.add(spaced.replace(" ", ""));
        }
        int matches = 0;
        for (String regex : patterns) {
            Pattern plain = Pattern.compile(regex);
            StartCharPattern filtered = StartCharPattern.anyOf(List.of(regex), 0);
            for (String text : texts) {
                boolean expected = plain.matcher(text).find();
                assertEquals(expected, filtered.find(text), () -> "pattern " + regex + " on a message");
                if (expected) matches++;
            }
        }
        // the comparison means something only if the patterns match often enough
        assertEquals(true, matches > 1_000, "matches: " + matches);
        // and a list the way the detector joins it
        StartCharPattern all = StartCharPattern.anyOf(patterns, 0);
        for (String text : texts) assertEquals(anyFinds(patterns, 0, text), all.find(text));
    }

    /** The phrase lists (greetings, out of scope, priority routes) are matched case-folded on lower-cased text. */
    @Test
    void everyPhraseListPatternFindsWhatFindFindsOnEveryEvaluationMessage() throws IOException {
        List<String> patterns = new ArrayList<>();
        for (String file : List.of("menu-phrases.txt", "out-of-scope.txt")) {
            for (String line : Files.readAllLines(I18N.resolve(file), StandardCharsets.UTF_8)) {
                if (line.strip().startsWith("re:")) patterns.add(line.strip().substring(3).strip());
            }
        }
        int fromFiles = patterns.size();
        for (String line : Files.readAllLines(I18N.resolve("priority-routes.yaml"), StandardCharsets.UTF_8)) {
            String t = line.strip();
            if (t.startsWith("- '") && t.endsWith("'")) patterns.add(t.substring(3, t.length() - 1).replace("''", "'"));
        }
        assertTrue(fromFiles > 20 && patterns.size() > fromFiles + 10, "phrase patterns read: " + patterns.size());
        int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        List<String> texts = messages().stream()
                .map(m -> org.dari.knowledge.KoreanNormalizer.normalize(m.strip().toLowerCase(Locale.ROOT))).toList();
        int matches = 0;
        for (String raw : patterns) {
            String regex = org.dari.knowledge.KoreanNormalizer.normalize(raw);
            Pattern plain = Pattern.compile(regex, flags);
            StartCharPattern filtered = StartCharPattern.anyOf(List.of(regex), flags);
            for (String text : texts) {
                boolean expected = plain.matcher(text).find();
                assertEquals(expected, filtered.find(text), () -> "pattern " + regex + " on a message");
                if (expected) matches++;
            }
        }
        assertTrue(matches > 100, "matches: " + matches);
    }

    @Test
    void theEdgesOfWhatTheStartReaderUnderstands() {
        String[][] cases = {
                {"\\bfoo", "a foo", "afoo", "foo"},
                {"(?<!x)ab", "xab", "yab", "ab"},
                {"(?<=x)ab", "xab", "yab", "ab"},
                {"(?!abc)ab", "abc", "abd", "xab"},
                {"a?b", "b", "cb", "ac"},
                {"(ab)*c", "c", "abc", "xyz"},
                {"(ab){0,2}c", "c", "ababc", "ab"},
                {"[a-c]x", "bx", "dx", "cx"},
                {"[^a]x", "bx", "ax", "x"},
                {"^ab", "ab", "xab", "abab"},
                {"\\d+일째", "3일째", "삼일째", "일째"},
                {".x", "ax", "x", "yyx"},
                {"\\.com", "a.com", "acom", ".co"},
                {"\\s+now", "  now", "now", "x now"},
                {"\\w+ing\\b", "going", "ing", "sing!"},
                {"(살려|구해)(줘|주세요)", "제발살려줘", "살려", "구해주세요"},
                {"(?:막|새벽)|\\d+일째", "새벽에", "2일째", "없음"},
                {"x|", "x", "", "y"},
                {"(?i)ab", "AB", "ab", "b"},
                {"[]a]b", "]b", "ab", "b"},
                {"\\Qa.\\Eb", "a.b", "axb", "b"},
        };
        for (String[] c : cases) {
            Pattern plain = Pattern.compile(c[0]);
            StartCharPattern filtered = StartCharPattern.anyOf(List.of(c[0]), 0);
            for (int i = 1; i < c.length; i++) {
                assertEquals(plain.matcher(c[i]).find(), filtered.find(c[i]), c[0] + " on " + c[i]);
            }
        }
        int flags = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
        for (String text : List.of("AB", "ab", "aB", "\u212Ab", "kb", "Kb", "ſb", "sb", "xx")) {
            for (String regex : List.of("ab", "kb", "sb", "[a-c]b", "\\.ab|k")) {
                assertEquals(Pattern.compile(regex, flags).matcher(text).find(),
                        StartCharPattern.anyOf(List.of(regex), flags).find(text), regex + " on " + text);
            }
        }
    }

    /** What each regex, compiled on its own, finds: the promise of {@link StartCharPattern#find}. */
    private static boolean anyFinds(List<String> regexes, int flags, String text) {
        for (String r : regexes) if (Pattern.compile(r, flags).matcher(text).find()) return true;
        return false;
    }

    /**
     * Regexes whose meaning a split, a word table or a join would change (found in review): other
     * flags, an inline flag inside, {@code \c} and {@code \G}, back-references and named groups
     * across a list, surrogates, and the empty list.
     */
    @Test
    void regexesThatMustNotBeSplitOrJoined() {
        Object[][] cases = {
                {List.of("help me"), Pattern.COMMENTS, List.of("helpme", "help me", "help")},
                {List.of("café"), Pattern.CANON_EQ, List.of("cafe\u0301", "café", "cafe")},
                {List.of("ab(?i)c|d"), 0, List.of("D", "d", "abC", "ABc")},
                {List.of("x(?i)|k"), 0, List.of("K", "k", "x", "y")},
                {List.of("x\\c|y", "z"), 0, List.of("x<y", "y", "z", "x")},
                {List.of("(a)x", "(a)\\1"), 0, List.of("aa", "ax", "ab")},
                {List.of("(.)x", "(.)\\1"), Pattern.CASE_INSENSITIVE, List.of("zz", "Zz", "zy")},
                {List.of("(?<w>a)x", "(?<w>b)y"), 0, List.of("ax", "by", "bx")},
                {List.of("x(?<=\\G.)", "(?=\\Gx)x"), 0, List.of("ax", "x", "xa")},
                {List.of("x\uD83D\uDE01|\\uDE00a"), 0, List.of("\uD83D\uDE00a", "\uDE00a", "x\uD83D\uDE01")},
                {List.of(), 0, List.of("", "a")},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked") List<String> regexes = (List<String>) c[0];
            int flags = (Integer) c[1];
            StartCharPattern filtered = StartCharPattern.anyOf(regexes, flags);
            @SuppressWarnings("unchecked") List<String> texts = (List<String>) c[2];
            for (String text : texts) {
                assertEquals(anyFinds(regexes, flags, text), filtered.find(text), regexes + " flags " + flags + " on " + text);
            }
        }
    }

    @Test
    void randomPatternsOnRandomText() {
        Random random = new Random(20261128);
        String alphabet = "ab가나 .";
        String[] atoms = {"a", "b", "가", "나", "[ab]", "[가-나]", "\\s", "\\b", ".", "(a|b)", "(?:가|ab)", "(?<!a)", "(?=b)"};
        String[] quantifiers = {"", "", "", "?", "*", "+", "{0,2}", "{1,2}"};
        for (int n = 0; n < 400; n++) {
            StringBuilder regex = new StringBuilder();
            int alternatives = 1 + random.nextInt(3);
            for (int a = 0; a < alternatives; a++) {
                if (a > 0) regex.append('|');
                int length = 1 + random.nextInt(3);
                for (int k = 0; k < length; k++) {
                    regex.append(atoms[random.nextInt(atoms.length)]).append(quantifiers[random.nextInt(quantifiers.length)]);
                }
            }
            Pattern plain;
            try {
                plain = Pattern.compile(regex.toString());
            } catch (java.util.regex.PatternSyntaxException e) {
                continue; // e.g. a quantifier after a look-around
            }
            StartCharPattern filtered = StartCharPattern.anyOf(List.of(regex.toString()), 0);
            for (int t = 0; t < 50; t++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(8);
                for (int k = 0; k < length; k++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                assertEquals(plain.matcher(text).find(), filtered.find(text), regex + " on '" + text + "'");
            }
        }
    }

    /**
     * A list is tried per start character against only the patterns that can start with it: random
     * lists, with and without case folding, find exactly what the patterns, each compiled on its own, find.
     */
    @Test
    void randomListsFindWhatTheJoinedPatternFinds() {
        Random random = new Random(20261128L * 31);
        String alphabet = "abAB가나 .Kk";
        String[] atoms = {"a", "b", "A", "가", "나", "k", "[ab]", "[가-나]", "\\s", "\\b", "(a|b)", "(?:가|ab)", "(?<!a)"};
        String[] quantifiers = {"", "", "", "?", "+", "{1,2}"};
        int compared = 0;
        for (int n = 0; n < 300; n++) {
            int flags = random.nextBoolean() ? 0 : Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
            List<String> list = new ArrayList<>();
            int size = 2 + random.nextInt(6);
            while (list.size() < size) {
                StringBuilder regex = new StringBuilder();
                int length = 1 + random.nextInt(3);
                for (int k = 0; k < length; k++) {
                    regex.append(atoms[random.nextInt(atoms.length)]).append(quantifiers[random.nextInt(quantifiers.length)]);
                }
                try {
                    Pattern.compile(regex.toString(), flags);
                    list.add(regex.toString());
                } catch (java.util.regex.PatternSyntaxException e) {
                    // e.g. a quantifier after a look-around: not a pattern
                }
            }
            StartCharPattern filtered = StartCharPattern.anyOf(list, flags);
            for (int t = 0; t < 40; t++) {
                StringBuilder text = new StringBuilder();
                int length = random.nextInt(10);
                for (int k = 0; k < length; k++) text.append(alphabet.charAt(random.nextInt(alphabet.length())));
                boolean expected = anyFinds(list, flags, text.toString());
                assertEquals(expected, filtered.find(text), list + " on '" + text + "'");
                if (expected) compared++;
            }
        }
        assertTrue(compared > 1_000, "matches: " + compared);
    }

    /**
     * The point of it: plain words go to the table, alternatives whose start can be read (one
     * look-around at the start included) are tried only where they can start, the rest everywhere;
     * a list is split into its top-level alternatives unless a flag or back-reference forbids it.
     */
    @Test
    void wordsGoToTheTableReadableStartsAreFilteredAndTheRestIsNot() {
        assertEquals("words 2, by start 3, anywhere 0, alone 0",
                StartCharPattern.anyOf(List.of("살려|구해줘", "(?<!혼)자살|\\bhelp", "[가-힣]급"), 0).shape());
        assertEquals("words 1, by start 0, anywhere 2, alone 0",
                StartCharPattern.anyOf(List.of("살려", "^(?!.*x).*y", ".{0,4}z"), 0).shape());
        assertEquals("words 0, by start 2, anywhere 0, alone 0",
                StartCharPattern.anyOf(List.of("살려|구해줘"), Pattern.CASE_INSENSITIVE).shape());
        assertEquals(List.of("a", "(b|c)", "[|]d", "\\|e"), StartCharPattern.topLevelAlternatives("a|(b|c)|[|]d|\\|e"));
        for (String unsplit : List.of("(?i)a|b", "a(?i)b|c", "(a)|\\1", "\\Qa|b\\E", "a)|b", "(a|b", "x\\c|y", "\\Ga|b"))
            assertEquals(List.of(unsplit), StartCharPattern.topLevelAlternatives(unsplit), unsplit);
    }

    private static List<String> urgentPatterns() throws IOException {
        List<String> patterns = new ArrayList<>();
        try (Stream<Path> files = Files.list(I18N)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("urgent-")).sorted().toList()) {
                for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                    String t = line.strip();
                    if (!t.startsWith("- '") || !t.endsWith("'")) continue;
                    String regex = t.substring(3, t.length() - 1).replace("''", "'");
                    patterns.add(java.text.Normalizer.normalize(regex, java.text.Normalizer.Form.NFKC));
                }
            }
        }
        assertEquals(true, patterns.size() > 100, "urgent patterns read: " + patterns.size());
        return patterns;
    }

    private static List<String> messages() throws IOException {
        List<String> texts = new ArrayList<>();
        for (String dir : List.of("eval", "urgent")) {
            try (Stream<Path> files = Files.list(RESOURCES.resolve(dir))) {
                for (Path f : files.filter(p -> p.toString().endsWith(".tsv")).sorted().toList()) {
                    for (String line : Files.readAllLines(f, StandardCharsets.UTF_8)) {
                        String[] fields = line.split("\t");
                        texts.add(dir.equals("eval") ? fields[fields.length - 1] : fields[0]);
                    }
                }
            }
        }
        return texts;
    }
}
