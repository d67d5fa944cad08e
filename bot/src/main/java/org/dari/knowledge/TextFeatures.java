package org.dari.knowledge;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a text into the named features the classifier learns from: character
 * n-grams (Korean with spaces removed, so 여기서일해요 and 여기서 일해요 look alike;
 * North Korean spelling brought to the southern form first), word unigrams and
 * bigrams, and the synonym groups the text touches (so a word learnt from one
 * spelling carries to its variants).
 */
final class TextFeatures {
    private final Map<Lang, Synonyms> synonyms;

    TextFeatures(Map<Lang, Synonyms> synonyms) {
        this.synonyms = Map.copyOf(synonyms);
    }

    /** Named features with their block weight; a name may repeat (counts add up). */
    List<String> of(String text, Lang lang) {
        String lower = text.toLowerCase(Locale.ROOT);
        String norm = lang == Lang.KO ? KoreanNormalizer.normalize(lower) : lower;
        List<String> out = new ArrayList<>();
        String[] words = norm.split("[^\\p{L}\\p{N}]+");
        List<String> kept = new ArrayList<>();
        for (String w : words) if (!w.isEmpty()) kept.add(w);
        for (int i = 0; i < kept.size(); i++) {
            out.add("w:" + kept.get(i));
            if (i + 1 < kept.size()) out.add("b:" + kept.get(i) + "_" + kept.get(i + 1));
        }
        if (lang == Lang.KO) {
            String compact = String.join("", kept);
            grams(compact, 1, 4, out);
        } else {
            String spaced = " " + String.join(" ", kept) + " ";
            grams(spaced, 2, 4, out);
        }
        for (int g : synonyms.getOrDefault(lang, Synonyms.empty()).groupIds(norm)) out.add("s:" + g);
        return out;
    }

    private static void grams(String s, int min, int max, List<String> out) {
        for (int n = min; n <= max; n++) {
            for (int i = 0; i + n <= s.length(); i++) {
                String g = s.substring(i, i + n);
                if (n > 1 && g.isBlank()) continue;
                if (n == 1 && !Character.isLetterOrDigit(g.charAt(0))) continue;
                out.add("c:" + g);
            }
        }
    }
}
