package org.dari.knowledge;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Phrases loaded from an i18n list: exact phrases (compared without spaces and
 * punctuation) and, on lines starting with {@code re:}, regular expressions.
 */
public final class PhraseList {
    private static final Pattern SQUASH = Pattern.compile("[\\s\\p{P}\\p{S}]+");

    private final Set<String> exact;
    private final List<Pattern> patterns;

    public PhraseList(Set<String> exact, List<Pattern> patterns) {
        this.exact = Set.copyOf(exact);
        this.patterns = List.copyOf(patterns);
    }

    public static PhraseList empty() {
        return new PhraseList(Set.of(), List.of());
    }

    public static PhraseList load(Path file) throws IOException {
        Set<String> exact = new HashSet<>();
        List<Pattern> patterns = new ArrayList<>();
        if (!Files.exists(file)) return new PhraseList(exact, patterns);
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("re:")) {
                patterns.add(compile(l.substring(3).strip()));
            } else {
                exact.add(squash(l));
            }
        }
        return new PhraseList(exact, patterns);
    }

    /** Patterns only, as listed under one key of a YAML file. */
    public static PhraseList ofPatterns(List<String> regexes) {
        return new PhraseList(Set.of(), regexes.stream().map(PhraseList::compile).toList());
    }

    private static Pattern compile(String regex) {
        // the text is normalized before matching, so the pattern is too
        return Pattern.compile(KoreanNormalizer.normalize(regex), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    public boolean matches(String text) {
        if (exact.contains(squash(text))) return true;
        String normalized = KoreanNormalizer.normalize(text.toLowerCase(Locale.ROOT));
        for (Pattern p : patterns) {
            if (p.matcher(normalized).find()) return true;
        }
        return false;
    }

    static String squash(String s) {
        return SQUASH.matcher(KoreanNormalizer.normalize(s.toLowerCase(Locale.ROOT))).replaceAll("");
    }
}
