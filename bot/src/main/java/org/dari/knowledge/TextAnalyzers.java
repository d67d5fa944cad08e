package org.dari.knowledge;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.CharArraySet;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.en.EnglishAnalyzer;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.ko.KoreanPartOfSpeechStopFilter;
import org.apache.lucene.analysis.ko.KoreanReadingFormFilter;
import org.apache.lucene.analysis.ko.KoreanTokenizer;
import org.apache.lucene.analysis.ko.dict.UserDictionary;
import org.apache.lucene.analysis.miscellaneous.PerFieldAnalyzerWrapper;
import org.apache.lucene.analysis.ngram.NGramTokenizer;
import org.apache.lucene.analysis.pattern.PatternReplaceCharFilter;
import org.apache.lucene.analysis.standard.StandardTokenizer;
import org.apache.lucene.analysis.tokenattributes.CharTermAttribute;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The analyzers behind the four search fields. */
public final class TextAnalyzers {
    public static final String KO_WORD = "ko_word";
    public static final String KO_GRAM = "ko_gram";
    public static final String EN_WORD = "en_word";
    public static final String EN_GRAM = "en_gram";

    private static final Pattern NOT_LETTER = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final Pattern NOT_LATIN = Pattern.compile("[^a-zA-Z0-9]+");

    private final Analyzer perField;

    public TextAnalyzers(UserDictionary koreanDictionary) {
        Analyzer koWord = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer tokenizer = new KoreanTokenizer(TokenStream.DEFAULT_TOKEN_ATTRIBUTE_FACTORY,
                        koreanDictionary, KoreanTokenizer.DecompoundMode.MIXED, false);
                TokenStream stream = new KoreanPartOfSpeechStopFilter(tokenizer);
                stream = new KoreanReadingFormFilter(stream);
                return new TokenStreamComponents(tokenizer, new LowerCaseFilter(stream));
            }
        };
        // Syllable bigrams and trigrams with spaces removed: "강제북송당하면" and "강제 북송 당하면" meet.
        Analyzer koGram = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer tokenizer = new NGramTokenizer(2, 3);
                return new TokenStreamComponents(tokenizer, new LowerCaseFilter(tokenizer));
            }

            @Override
            protected Reader initReader(String field, Reader reader) {
                return new PatternReplaceCharFilter(NOT_LETTER, "", reader);
            }
        };
        Analyzer enWord = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer tokenizer = new StandardTokenizer();
                TokenStream stream = new EnglishPossessiveFilter(tokenizer);
                stream = new LowerCaseFilter(stream);
                stream = new StopFilter(stream, englishStopWords());
                return new TokenStreamComponents(tokenizer, new PorterStemFilter(stream));
            }
        };
        // Letter trigrams and 4-grams across word boundaries catch misspellings ("refuge", "deprot").
        Analyzer enGram = new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String field) {
                Tokenizer tokenizer = new NGramTokenizer(3, 4);
                return new TokenStreamComponents(tokenizer, new LowerCaseFilter(tokenizer));
            }

            @Override
            protected Reader initReader(String field, Reader reader) {
                return new PatternReplaceCharFilter(NOT_LATIN, " ", reader);
            }
        };
        this.perField = new PerFieldAnalyzerWrapper(enWord,
                Map.of(KO_WORD, koWord, KO_GRAM, koGram, EN_WORD, enWord, EN_GRAM, enGram));
    }

    private static CharArraySet englishStopWords() {
        CharArraySet stop = new CharArraySet(EnglishAnalyzer.ENGLISH_STOP_WORDS_SET, true);
        for (String w : List.of("i", "me", "my", "we", "our", "you", "your", "he", "she", "her", "his", "am", "is",
                "do", "does", "did", "can", "could", "will", "would", "what", "how", "who", "pls", "please", "im",
                "so", "just", "about", "from", "have", "has", "get")) {
            stop.add(w);
        }
        return stop;
    }

    public Analyzer analyzer() {
        return perField;
    }

    /** The terms a field makes of a text, in order (repeats kept). */
    public List<String> terms(String field, String text) {
        List<String> out = new ArrayList<>();
        try (TokenStream ts = perField.tokenStream(field, new StringReader(text))) {
            CharTermAttribute term = ts.addAttribute(CharTermAttribute.class);
            ts.reset();
            while (ts.incrementToken()) out.add(term.toString());
            ts.end();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    public static UserDictionary loadUserDictionary(java.nio.file.Path file) throws IOException {
        if (file == null || !java.nio.file.Files.exists(file)) return null;
        try (Reader r = java.nio.file.Files.newBufferedReader(file, java.nio.charset.StandardCharsets.UTF_8)) {
            // The dictionary sees normalized text, so entries are normalized the same way.
            String content = KoreanNormalizer.normalize(new java.io.BufferedReader(r).lines()
                    .reduce("", (a, b) -> a + b + "\n"));
            return UserDictionary.open(new StringReader(content));
        }
    }
}
