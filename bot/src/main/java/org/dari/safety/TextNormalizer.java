package org.dari.safety;

import java.text.Normalizer;

/**
 * Brings any incoming text to one canonical form before matching: NFKC, invisible
 * and control characters removed (line breaks and tabs become spaces), lone
 * surrogates dropped, runs of white space collapsed, ends stripped. Never throws.
 */
public final class TextNormalizer {
    private TextNormalizer() {
    }

    public static String normalize(String raw) {
        if (raw == null || raw.isEmpty()) return "";
        String nfkc;
        try {
            nfkc = Normalizer.normalize(dropLoneSurrogates(raw), Normalizer.Form.NFKC);
        } catch (RuntimeException e) {
            nfkc = dropLoneSurrogates(raw);
        }
        StringBuilder out = new StringBuilder(nfkc.length());
        boolean pendingSpace = false;
        for (int i = 0; i < nfkc.length(); ) {
            int cp = nfkc.codePointAt(i);
            i += Character.charCount(cp);
            if (isSpace(cp)) {
                pendingSpace = out.length() > 0;
                continue;
            }
            if (isInvisible(cp)) continue;
            if (pendingSpace) {
                out.append(' ');
                pendingSpace = false;
            }
            out.appendCodePoint(cp);
        }
        return out.toString();
    }

    private static String dropLoneSurrogates(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) ? i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))
                    : !Character.isLowSurrogate(c) || (i > 0 && Character.isHighSurrogate(s.charAt(i - 1)));
            if (!paired) {
                if (out == null) out = new StringBuilder(s.length()).append(s, 0, i);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    private static boolean isSpace(int cp) {
        // line breaks, tabs and every Unicode space separator count as one space
        return Character.isWhitespace(cp) || Character.isSpaceChar(cp) || cp == 0x85;
    }

    private static boolean isInvisible(int cp) {
        if (cp == 0x180E || cp == 0xFEFF || cp == 0x034F || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0) {
            return true;
        }
        if (cp >= 0xFE00 && cp <= 0xFE0F) return false; // variation selectors keep emoji intact
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT || type == Character.UNASSIGNED
                || type == Character.PRIVATE_USE || type == Character.SURROGATE;
    }
}
