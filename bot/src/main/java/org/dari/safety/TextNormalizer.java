package org.dari.safety;
public final class TextNormalizer { private TextNormalizer() {} public static String normalize(String raw) { return java.text.Normalizer.normalize(raw, java.text.Normalizer.Form.NFKC).replaceAll("[\\u200B-\\u200F\\uFEFF\\p{Cc}]", " ").replaceAll("\\s+", " ").strip(); } }
