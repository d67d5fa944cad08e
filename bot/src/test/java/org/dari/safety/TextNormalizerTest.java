package org.dari.safety;

import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TextNormalizerTest {

    @Test
    void removesZeroWidthAndFormatCharacters() {
        assertEquals("삭제", TextNormalizer.normalize("\u200B삭제"));
        assertEquals("삭제", TextNormalizer.normalize("삭\u200C\u200D제\uFEFF"));
        assertEquals("forget", TextNormalizer.normalize("\u2060for\u180Eget\u200E\u200F"));
        assertEquals("/forget", TextNormalizer.normalize("\u202E/forget\u00AD"));
    }

    @Test
    void controlCharactersGoAndLineBreaksBecomeSpaces() {
        assertEquals("help me now", TextNormalizer.normalize("help\nme\r\n\tnow"));
        assertEquals("ab", TextNormalizer.normalize("a\u0000\u0007b\u001B"));
        assertEquals("a b", TextNormalizer.normalize("a\u0085b"));
    }

    @Test
    void collapsesWhiteSpaceAndStrips() {
        assertEquals("공안 왔어요", TextNormalizer.normalize("  공안 \u3000\u00A0 왔어요 \n"));
        assertEquals("", TextNormalizer.normalize(" \t\n\u200B "));
        assertEquals("", TextNormalizer.normalize(""));
        assertEquals("", TextNormalizer.normalize(null));
    }

    @Test
    void appliesNfkc() {
        assertEquals("ABC123", TextNormalizer.normalize("ＡＢＣ１２３"));
        assertEquals("(주)", TextNormalizer.normalize("㈜"));
        // decomposed Hangul jamo compose into the syllable
        assertEquals("한", TextNormalizer.normalize("\u1112\u1161\u11AB"));
    }

    @Test
    void dropsLoneSurrogatesButKeepsPairs() {
        assertEquals("ab", TextNormalizer.normalize("a\uD800b"));
        assertEquals("ab", TextNormalizer.normalize("a\uDC00b"));
        assertEquals("a", TextNormalizer.normalize("a\uD83D"));
        assertEquals("a😀b", TextNormalizer.normalize("a\uD83D\uDE00b"));
    }

    @Test
    void neverThrowsOnRandomCodeUnitsAndIsIdempotent() {
        Random random = new Random(8);
        for (int i = 0; i < 2_000; i++) {
            char[] chars = new char[random.nextInt(60)];
            for (int j = 0; j < chars.length; j++) chars[j] = (char) random.nextInt(0x10000);
            String once = TextNormalizer.normalize(new String(chars));
            assertEquals(once, TextNormalizer.normalize(once));
            assertFalse(once.startsWith(" ") || once.endsWith(" "));
            assertFalse(once.contains("  "));
        }
    }

    @Test
    void handlesHugeInput() {
        String huge = "가\u200B ".repeat(500_000);
        String out = TextNormalizer.normalize(huge);
        assertTrue(out.startsWith("가 가"));
        assertEquals(999_999, out.length());
    }
}
