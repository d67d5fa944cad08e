package org.dari.knowledge;

/**
 * Brings North Korean spelling to the South Korean form the answers use, by the
 * initial-sound rule: at the start of a word, ㄹ before ㅑㅕㅖㅛㅠㅣ becomes silent
 * (련락→연락, 리유→이유), ㄹ before other vowels becomes ㄴ (로동→노동), and ㄴ
 * before ㅕㅛㅠㅣㅖ becomes silent (녀성→여성). Applied to questions and to the
 * indexed text alike, so a word written either way meets itself.
 */
public final class KoreanNormalizer {
    private static final int SYLLABLE_BASE = 0xAC00;
    private static final int SYLLABLE_LAST = 0xD7A3;
    private static final int VOWELS = 21;
    private static final int FINALS = 28;
    private static final int RIEUL = 5;
    private static final int NIEUN = 2;
    private static final int IEUNG = 11;
    // medial vowel indexes: ㅑ2 ㅒ3 ㅕ6 ㅖ7 ㅛ12 ㅠ17 ㅣ20
    private static final boolean[] Y_VOWEL = new boolean[VOWELS];

    static {
        for (int v : new int[] {2, 3, 6, 7, 12, 17, 20}) Y_VOWEL[v] = true;
    }

    private KoreanNormalizer() {
    }

    public static String normalize(String text) {
        StringBuilder out = null;
        boolean wordStart = true;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (wordStart && c >= SYLLABLE_BASE && c <= SYLLABLE_LAST) {
                char replaced = initialSound(c);
                if (replaced != c) {
                    if (out == null) out = new StringBuilder(text);
                    out.setCharAt(i, replaced);
                }
            }
            wordStart = !Character.isLetterOrDigit(c);
        }
        return out == null ? text : out.toString();
    }

    static char initialSound(char syllable) {
        int index = syllable - SYLLABLE_BASE;
        int initial = index / (VOWELS * FINALS);
        int vowel = (index % (VOWELS * FINALS)) / FINALS;
        int fin = index % FINALS;
        int newInitial = initial;
        if (initial == RIEUL) newInitial = Y_VOWEL[vowel] ? IEUNG : NIEUN;
        else if (initial == NIEUN && Y_VOWEL[vowel] && vowel != 2 && vowel != 3) newInitial = IEUNG;
        if (newInitial == initial) return syllable;
        return (char) (SYLLABLE_BASE + (newInitial * VOWELS + vowel) * FINALS + fin);
    }
}
