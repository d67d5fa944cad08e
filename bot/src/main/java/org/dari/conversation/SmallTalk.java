package org.dari.conversation;

import java.text.Normalizer;
import java.util.List;
import java.util.Optional;

/**
 * Messages that are not questions but still need a human answer: thanks, "ok", feelings sent without
 * words (crying faces, ㅠㅠ, "..."), and writing in a language Dari cannot read (Chinese).
 */
public final class SmallTalk {
    /** What such a message is. */
    public enum Kind { THANKS, OKAY, DISTRESS, OTHER_SCRIPT }

    private final Phrasing thanks;
    private final Phrasing okay;
    private final List<String> sad;
    private final List<String> glad;

    SmallTalk(Phrasing thanks, Phrasing okay, List<String> sad, List<String> glad) {
        this.thanks = thanks;
        this.okay = okay;
        // incoming text is NFKC, which turns ㅠ into a conjoining jamo: the lists must match it
        this.sad = sad.stream().map(w -> Normalizer.normalize(w, Normalizer.Form.NFKC)).toList();
        this.glad = glad.stream().map(w -> Normalizer.normalize(w, Normalizer.Form.NFKC)).toList();
    }

    static SmallTalk none() {
        return new SmallTalk(null, null, List.of(), List.of());
    }

    public Optional<Kind> of(String text) {
        if (isOtherScript(text)) return Optional.of(Kind.OTHER_SCRIPT);
        if (isWordless(text)) {
            if (onlyDots(text) || sad.stream().anyMatch(text::contains)) return Optional.of(Kind.DISTRESS);
            if (glad.stream().anyMatch(text::contains)) return Optional.of(Kind.THANKS);
        }
        if (thanks != null && thanks.matches(text)) return Optional.of(Kind.THANKS);
        if (okay != null && okay.matches(text)) return Optional.of(Kind.OKAY);
        return Optional.empty();
    }

    /**
     * Chinese (or Japanese) with no Korean in it. A Korean message with a few Chinese words in it
     * (派出所, 公安) has Hangul, so it is Korean; an English one mentioning a Chinese word is mostly Latin.
     */
    static boolean isOtherScript(String text) {
        int han = 0;
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
            switch (script) {
                case HANGUL -> {
                    return false;
                }
                case HAN, HIRAGANA, KATAKANA -> han++;
                case LATIN -> latin++;
                default -> { }
            }
        }
        // a Chinese character carries about as much as a short English word
        return han > 0 && han * 3 >= latin;
    }

    /** No letters or digits, except the Korean crying and laughing jamo (ㅠ ㅜ ㅎ ㅋ ...). */
    static boolean isWordless(String text) {
        boolean any = false;
        for (int i = 0; i < text.length(); ) {
            int cp = text.codePointAt(i);
            i += Character.charCount(cp);
            if (Character.isWhitespace(cp)) continue;
            any = true;
            boolean jamo = (cp >= 0x3131 && cp <= 0x318E) || (cp >= 0x1100 && cp <= 0x11FF);
            if (!jamo && Character.isLetterOrDigit(cp)) return false;
        }
        return any;
    }

    private static boolean onlyDots(String text) {
        return text.chars().allMatch(c -> c == '.' || c == '…' || c == '·' || Character.isWhitespace(c));
    }
}
