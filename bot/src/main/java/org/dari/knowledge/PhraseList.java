package org.dari.knowledge;

import org.dari.safety.StartCharPattern;

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
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    private final Set<String> exact;
    /** The patterns as one, tried only where a match can start; null when there are none. */
    private final StartCharPattern patterns;

    private PhraseList(Set<String> exact, List<String> regexes) {
        this.exact = Set.copyOf(exact);
        // the text is normalized before matching, so the patterns are too
        List<String> normalized = regexes.stream().map(KoreanNormalizer::normalize).toList();
        normalized.forEach(r -> Pattern.compile(r, FLAGS)); // a pattern that does not compile fails the load here
        this.patterns = normalized.isEmpty() ? null : StartCharPattern.anyOf(normalized, FLAGS);
    }

    /** A message as the lists compare it, prepared once for all of them. */
    public record Text(String squashed, String normalized) {
        @Override
        public String toString() {
            return "Text[redacted]";
        }
    }

    public static Text prepare(String text) {
        String normalized = KoreanNormalizer.normalize(text.toLowerCase(Locale.ROOT));
        return new Text(SQUASH.matcher(normalized).replaceAll(""), normalized);
    }

    public static PhraseList empty() {
        return new PhraseList(Set.of(), List.of());
    }

    public static PhraseList load(Path file) throws IOException {
        Set<String> exact = new HashSet<>();
        List<String> regexes = new ArrayList<>();
        if (!Files.exists(file)) return empty();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) continue;
            if (l.startsWith("re:")) {
                regexes.add(l.substring(3).strip());
            } else {
                exact.add(squash(l));
            }
        }
        return new PhraseList(exact, regexes);
    }

    /** Patterns only, as listed under one key of a YAML file. */
    public static PhraseList ofPatterns(List<String> regexes) {
        return new PhraseList(Set.of(), regexes);
    }

    public boolean matches(String text) {
        return matches(prepare(text));
    }

    public boolean matches(Text text) {
        if (exact.contains(text.squashed())) return true;
        return patterns != null && patterns.find(text.normalized());
    }

    static String squash(String s) {
        return prepare(s).squashed();
    }
}
