package org.dari.knowledge;

import java.util.Locale;
import java.util.Optional;

public enum Lang {
    KO, EN;

    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Lang> fromCode(String code) {
        if (code == null) return Optional.empty();
        return switch (code.trim().toLowerCase(Locale.ROOT)) {
            case "ko", "kr", "korean" -> Optional.of(KO);
            case "en", "english" -> Optional.of(EN);
            default -> Optional.empty();
        };
    }

    /**
     * The language a message is written in: Korean when it has Hangul, English when
     * it has Latin letters only, empty when it has neither (digits, emoji).
     */
    public static Optional<Lang> detect(String text) {
        int hangul = 0;
        int latin = 0;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            Character.UnicodeScript script;
            try {
                script = Character.UnicodeScript.of(cp);
            } catch (IllegalArgumentException e) {
                continue;
            }
            if (script == Character.UnicodeScript.HANGUL) hangul++;
            else if (script == Character.UnicodeScript.LATIN) latin++;
        }
        if (hangul == 0 && latin == 0) return Optional.empty();
        // Korean questions often carry Latin acronyms (UNHCR, CEDAW): a few Hangul letters decide.
        return Optional.of(hangul * 3 >= latin || hangul >= 4 ? KO : EN);
    }
}
