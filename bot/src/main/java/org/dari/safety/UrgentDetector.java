package org.dari.safety;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;

/**
 * Recognises danger happening now or about to happen, and its kind, in a message
 * of any language. The words live in {@code i18n/urgent-*.yaml}; each file is
 * matched on its own form of the text (Korean: spaces removed, so spacing does
 * not matter; English: spaces kept). A message scores
 * <ul>
 *   <li>{@value #STRONG} for a strong pattern of a kind (the danger itself, said as
 *       happening to the writer: "they are selling me", "공안이 왔어요"),</li>
 *   <li>{@value #WEAK} for a weak one (the subject only: "sold", "공안"; it needs one cue more),</li>
 *   <li>plus the weight of every cue found (now, pleas, fear: positive; past,
 *       hypothetical, about others or in general: negative), each cue once,</li>
 * </ul>
 * and is urgent from {@value #THRESHOLD}. The kind is the best-scoring kind; a
 * message with no kind pattern but enough cues ("help me now, I'm scared") is GENERAL.
 * Ties between kinds go to the kind that also has a weak match, then to the more
 * specific kind (a child taken by the police is about the child).
 */
public final class UrgentDetector {
    static final int STRONG = 3;
    static final int WEAK = 2;
    static final int THRESHOLD = 3;
    private static final int MAX_LENGTH = 4_000;
    private static final List<UrgentKind> PRECEDENCE = List.of(UrgentKind.SUICIDE, UrgentKind.CHILD_TAKEN,
            UrgentKind.TRAFFICKED, UrgentKind.VIOLENCE, UrgentKind.CONFINED, UrgentKind.FOLLOWED, UrgentKind.POLICE,
            UrgentKind.GENERAL);

    /** What the detector saw in one message; for reports and tuning. */
    public record Assessment(Optional<UrgentKind> kind, int score, List<String> cues) {
    }

    private record Cue(String name, int weight, StartCharPattern pattern) {
    }

    /** One word-list file; it is only run on text that has letters of a script its patterns use. */
    private record Lexicon(boolean compact, Set<Character.UnicodeScript> scripts, List<Cue> cues,
                           Map<UrgentKind, StartCharPattern> strong, Map<UrgentKind, StartCharPattern> weak) {
    }

    private final List<Lexicon> lexicons;

    private UrgentDetector(List<Lexicon> lexicons) {
        this.lexicons = List.copyOf(lexicons);
    }

    /** Loads and checks every {@code urgent-*.yaml} in the folder (at least one is needed). */
    public static UrgentDetector load(Path i18nDir) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(i18nDir)) {
            files = list.filter(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("urgent-") && n.endsWith(".yaml");
            }).sorted().toList();
        }
        if (files.isEmpty()) throw new IOException(i18nDir + ": no urgent-*.yaml word lists");
        List<Lexicon> lexicons = new ArrayList<>();
        for (Path f : files) lexicons.add(lexicon(f));
        return new UrgentDetector(lexicons);
    }

    public Optional<UrgentKind> detect(String text) {
        return assess(text).kind();
    }

    public Assessment assess(String text) {
        String spaced = TextNormalizer.normalize(text);
        if (spaced.length() > MAX_LENGTH) spaced = spaced.substring(0, MAX_LENGTH);
        spaced = initialSound(spaced.toLowerCase(Locale.ROOT));
        String compact = spaced.replace(" ", "");
        Set<Character.UnicodeScript> textScripts = scripts(spaced);
        Map<String, Integer> cues = new LinkedHashMap<>();
        Map<UrgentKind, Integer> strong = new EnumMap<>(UrgentKind.class);
        Map<UrgentKind, Integer> weak = new EnumMap<>(UrgentKind.class);
        for (Lexicon lex : lexicons) {
            if (java.util.Collections.disjoint(lex.scripts(), textScripts)) continue;
            String s = lex.compact() ? compact : spaced;
            for (Cue c : lex.cues()) {
                if (!cues.containsKey(c.name()) && c.pattern().find(s)) cues.put(c.name(), c.weight());
            }
            lex.strong().forEach((k, p) -> {
                if (!strong.containsKey(k) && p.find(s)) strong.put(k, STRONG);
            });
            lex.weak().forEach((k, p) -> {
                if (!weak.containsKey(k) && p.find(s)) weak.put(k, WEAK);
            });
        }
        // the kind: a strong match beats a weak one; a weak match of the same kind breaks ties,
        // then the more specific kind wins (a child taken by the police is about the child)
        UrgentKind best = UrgentKind.GENERAL;
        int bestRank = 0;
        for (UrgentKind k : PRECEDENCE) {
            int rank = strong.getOrDefault(k, 0) + weak.getOrDefault(k, 0);
            if (rank > bestRank) {
                best = k;
                bestRank = rank;
            }
        }
        int kindScore = strong.containsKey(best) ? STRONG : weak.containsKey(best) ? WEAK : 0;
        int score = kindScore + cues.values().stream().mapToInt(Integer::intValue).sum();
        List<String> cueNames = List.copyOf(cues.keySet());
        return new Assessment(score >= THRESHOLD ? Optional.of(best) : Optional.empty(), score, cueNames);
    }

    // ---- loading and checking ----

    private static Lexicon lexicon(Path file) throws IOException {
        String name = file.getFileName().toString();
        LocatedYaml.Node root;
        try {
            root = LocatedYaml.read(file);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
            throw new IOException(name + " line " + line + ": not valid YAML");
        }
        if (!(root instanceof LocatedYaml.Mapping top)) throw new IOException(name + " line 1: expected a mapping");
        for (var key : top.fields().keySet()) {
            if (!List.of("match_on", "cues", "kinds").contains(key)) {
                throw new IOException(name + " line " + top.keyLines().get(key) + ": unknown section '" + key
                        + "' (expected match_on, cues, kinds)");
            }
        }
        String matchOn = scalar(name, top, "match_on");
        if (!matchOn.equals("compact") && !matchOn.equals("spaced")) {
            throw new IOException(name + " line " + lineOf(top, "match_on") + ": match_on must be 'compact' or 'spaced'");
        }
        List<Cue> cues = new ArrayList<>();
        Set<Character.UnicodeScript> scripts = java.util.EnumSet.noneOf(Character.UnicodeScript.class);
        LocatedYaml.Mapping cueMap = mapping(name, top, "cues");
        for (var e : cueMap.fields().entrySet()) {
            int line = cueMap.keyLines().get(e.getKey());
            if (!(e.getValue() instanceof LocatedYaml.Mapping cue)) throw new IOException(name + " line " + line + ": cue '"
                    + e.getKey() + "' needs 'weight' and 'patterns'");
            int weight;
            try {
                weight = Integer.parseInt(scalar(name, cue, "weight"));
            } catch (NumberFormatException ex) {
                throw new IOException(name + " line " + lineOf(cue, "weight") + ": weight must be a whole number");
            }
            if (weight == 0 || Math.abs(weight) > 10) {
                throw new IOException(name + " line " + lineOf(cue, "weight") + ": weight must be between -10 and 10, not 0");
            }
            cues.add(new Cue(e.getKey(), weight, patterns(name, cue, "patterns", scripts)));
        }
        Map<UrgentKind, StartCharPattern> strong = new EnumMap<>(UrgentKind.class);
        Map<UrgentKind, StartCharPattern> weak = new EnumMap<>(UrgentKind.class);
        LocatedYaml.Mapping kinds = mapping(name, top, "kinds");
        for (var e : kinds.fields().entrySet()) {
            int line = kinds.keyLines().get(e.getKey());
            UrgentKind kind = UrgentKind.byId(e.getKey()).orElseThrow(() -> new IOException(name + " line " + line
                    + ": unknown kind '" + e.getKey() + "' (expected one of " + ids() + ")"));
            if (!(e.getValue() instanceof LocatedYaml.Mapping groups)) {
                throw new IOException(name + " line " + line + ": kind '" + e.getKey() + "' needs 'strong' and/or 'weak' lists");
            }
            for (String g : groups.fields().keySet()) {
                if (!g.equals("strong") && !g.equals("weak")) {
                    throw new IOException(name + " line " + groups.keyLines().get(g) + ": unknown list '" + g + "' (expected strong, weak)");
                }
            }
            if (groups.fields().containsKey("strong")) strong.put(kind, patterns(name, groups, "strong", scripts));
            if (groups.fields().containsKey("weak")) weak.put(kind, patterns(name, groups, "weak", scripts));
        }
        return new Lexicon(matchOn.equals("compact"), scripts, cues, strong, weak);
    }

    private static StartCharPattern patterns(String file, LocatedYaml.Mapping parent, String key,
                                    Set<Character.UnicodeScript> scripts) throws IOException {
        LocatedYaml.Node node = parent.fields().get(key);
        if (!(node instanceof LocatedYaml.Sequence seq) || seq.items().isEmpty()) {
            throw new IOException(file + " line " + lineOf(parent, key) + ": '" + key + "' must be a non-empty list of patterns");
        }
        List<String> parts = new ArrayList<>();
        for (LocatedYaml.Node item : seq.items()) {
            if (!(item instanceof LocatedYaml.Scalar s) || s.text().isBlank()) {
                throw new IOException(file + " line " + item.line() + ": each pattern must be a non-empty string");
            }
            // the text is NFKC-normalised before matching (ㄱ becomes a conjoining jamo): so are the patterns
            String regex = java.text.Normalizer.normalize(s.text(), java.text.Normalizer.Form.NFKC);
            try {
                Pattern p = Pattern.compile(regex);
                if (p.matcher("").find()) throw new IOException(file + " line " + s.line() + ": pattern matches empty text");
            } catch (PatternSyntaxException ex) {
                throw new IOException(file + " line " + s.line() + ": pattern does not compile (" + ex.getDescription() + ")");
            }
            parts.add(regex);
            // letters written in the pattern (not escapes such as \\b or \\d, nor inline flags)
            scripts.addAll(scripts(regex.replaceAll("\\\\.", "").replaceAll("\\(\\?[a-zA-Z]+[:)]", "")));
        }
        return StartCharPattern.anyOf(parts, 0);
    }

    private static String scalar(String file, LocatedYaml.Mapping parent, String key) throws IOException {
        if (!(parent.fields().get(key) instanceof LocatedYaml.Scalar s)) {
            throw new IOException(file + " line " + lineOf(parent, key) + ": '" + key + "' is missing or not a single value");
        }
        return s.text().strip();
    }

    private static LocatedYaml.Mapping mapping(String file, LocatedYaml.Mapping parent, String key) throws IOException {
        if (!(parent.fields().get(key) instanceof LocatedYaml.Mapping m)) {
            throw new IOException(file + " line " + lineOf(parent, key) + ": '" + key + "' is missing or not a mapping");
        }
        return m;
    }

    private static Set<Character.UnicodeScript> scripts(String text) {
        Set<Character.UnicodeScript> out = java.util.EnumSet.noneOf(Character.UnicodeScript.class);
        text.codePoints().filter(Character::isLetter).forEach(cp -> out.add(Character.UnicodeScript.of(cp)));
        return out;
    }

    private static int lineOf(LocatedYaml.Mapping parent, String key) {
        return parent.keyLines().getOrDefault(key, parent.line());
    }

    private static List<String> ids() {
        return Stream.of(UrgentKind.values()).map(UrgentKind::id).toList();
    }

    // ---- North Korean spelling ----

    private static final int SYLLABLE_BASE = 0xAC00;
    private static final int SYLLABLE_LAST = 0xD7A3;
    private static final int VOWELS = 21;
    private static final int FINALS = 28;
    private static final int RIEUL = 5;
    private static final int NIEUN = 2;
    private static final int IEUNG = 11;

    /**
     * The initial-sound rule, so North Korean spelling meets the South Korean words
     * of the patterns: at the start of a word ㄹ before ㅑㅕㅖㅛㅠㅣ is dropped, other ㄹ
     * becomes ㄴ (로동→노동), ㄴ before ㅕㅖㅛㅠㅣ is dropped (녀자→여자).
     */
    static String initialSound(String text) {
        StringBuilder out = null;
        boolean wordStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (wordStart && c >= SYLLABLE_BASE && c <= SYLLABLE_LAST) {
                int index = c - SYLLABLE_BASE;
                int initial = index / (VOWELS * FINALS);
                int vowel = (index % (VOWELS * FINALS)) / FINALS;
                boolean yVowel = vowel == 2 || vowel == 3 || vowel == 6 || vowel == 7 || vowel == 12 || vowel == 17 || vowel == 20;
                int newInitial = initial;
                if (initial == RIEUL) newInitial = yVowel ? IEUNG : NIEUN;
                else if (initial == NIEUN && yVowel && vowel != 2 && vowel != 3) newInitial = IEUNG;
                if (newInitial != initial) {
                    if (out == null) out = new StringBuilder(text);
                    out.setCharAt(i, (char) (SYLLABLE_BASE + (newInitial * VOWELS + vowel) * FINALS + index % FINALS));
                }
            }
            wordStart = !Character.isLetterOrDigit(c);
        }
        return out == null ? text : out.toString();
    }
}
