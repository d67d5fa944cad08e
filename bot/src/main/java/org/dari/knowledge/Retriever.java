package org.dari.knowledge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.util.QueryBuilder;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the entries that best fit a question. Each example phrasing, title,
 * keyword list and answer is its own small document; an entry scores as its
 * best document, weighted by kind (a question that resembles an example
 * phrasing counts more than one that shares words with an answer).
 *
 * <p>The documents are scored with Lucene's query building and BM25 scoring, reproduced over
 * plain in-memory arrays by {@link LexicalIndex} (the same scores, without Lucene's index files).
 */
public final class Retriever implements AutoCloseable {
    private static final int MAX_QUESTION_CHARS = 200;
    private static final int TOP_DOCS = 400;

    enum Kind { EXAMPLE, TITLE, KEYWORDS, ANSWER, WHOLE, OFF_TOPIC, OFF_TOPIC_WHOLE }

    /** Tunable weights; defaults were set by measuring on the development questions. */
    public record Weights(double word, double gram, double synonymWord, double synonymGram,
                          double example, double title, double keywords, double answer, double whole, double offTopic, double decay,
                          double classifier) {
        public static Weights defaults() {
            return new Weights(1.0, 0.5, 0.5, 0.3, 1.0, 0.9, 0.8, 0.45, 1.5, 1.4, 0.8, 0.7);
        }

        public Weights withClassifier(double weight) {
            return new Weights(word, gram, synonymWord, synonymGram, example, title, keywords, answer, whole, offTopic, decay, weight);
        }
    }

    /** Both rankings of one question, before they are blended. */
    public record Ranking(List<Match> lucene, List<Match> classifier) {
    }

    public record Match(String id, double score) {
        /** A kind of question the knowledge base has no answer for (see i18n/off-topic.yaml). */
        public boolean offTopic() {
            return id.startsWith("~");
        }
    }

    public static final String OFF_TOPIC_PREFIX = "~off-topic/";
    /** The classifier's class for greetings and openers (trained from the {@code _menu} phrasings). */
    public static final String MENU_ID = "~menu";
    /** A Lucene score of this size (per language) counts as much as a classifier probability of 1. */
    static final double KO_LUCENE_SCALE = 40;
    static final double EN_LUCENE_SCALE = 80;
    /** How many of the classifier's best ids Lucene ranks (0: all); fewer documents to score. */
    static final int SHORTLIST = 10;
    /** Synonym groups' scores kept (each a few kilobytes at most). */
    private static final int SYNONYM_CACHE = 4_096;

    private final Classifier classifier;
    private final TextAnalyzers analyzers;
    private final Map<Lang, Synonyms> synonyms;
    private final Weights weights;
    private final KnowledgeBase kb;
    private final Map<String, Map<Lang, List<String>>> offTopic;
    private final LexicalIndex index;
    /** Per document: its entry (an index into {@link #entryIds}), kind and language. */
    private final int[] docEntry;
    private final Kind[] docKind;
    private final Lang[] docLang;
    private final String[] entryIds;
    /** The documents of each entry id, ascending. */
    private final Map<String, int[]> docsOfEntry;
    /** Per language: which documents are in it, as a mask and as a list. */
    private final Map<Lang, boolean[]> langDocs;
    private final Map<Lang, int[]> langDocList;
    /**
     * Each thread's working arrays for scoring a question, sized to the index and cleared after each
     * use: a question then allocates nothing in proportion to the index, and touches only its
     * allowed documents.
     */
    private final ThreadLocal<Scratch> scratch;
    /**
     * The scores of each synonym group's disjunction over all documents, by language and the group's
     * words a question lacks (the words come from the synonym files, never from a question). Bounded
     * all the same, as the subsets of a group's words are many in principle.
     */
    private final Cache<String, LexicalIndex.Scores> synonymScores;

    public Retriever(KnowledgeBase kb, TextAnalyzers analyzers, Map<Lang, Synonyms> synonyms, Weights weights) {
        this(kb, Map.of(), analyzers, synonyms, weights);
    }

    /**
     * @param offTopic kinds of questions without an answer, by name, with example phrasings per language
     */
    public Retriever(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic, TextAnalyzers analyzers,
                     Map<Lang, Synonyms> synonyms, Weights weights) {
        this(kb, offTopic, null, analyzers, synonyms, weights);
    }

    /**
     * @param classifier gives each entry a probability that is blended with the Lucene score; null for Lucene alone
     */
    public Retriever(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic, Classifier classifier,
                     TextAnalyzers analyzers, Map<Lang, Synonyms> synonyms, Weights weights) {
        this(kb, offTopic, classifier, analyzers, synonyms, weights, corpus(kb, offTopic), null);
    }

    /**
     * @param index the index of {@code corpus} as {@link Corpus#index} builds it (read back from the
     *              cache); null to build it here
     */
    Retriever(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic, Classifier classifier, TextAnalyzers analyzers,
              Map<Lang, Synonyms> synonyms, Weights weights, Corpus corpus, LexicalIndex index) {
        this.classifier = classifier;
        this.analyzers = analyzers;
        this.synonyms = Map.copyOf(synonyms);
        this.weights = weights;
        this.kb = kb;
        this.offTopic = offTopic;
        this.index = index != null ? index : corpus.index(analyzers);
        int n = corpus.size();
        if (this.index.maxDoc() != n) throw new IllegalArgumentException("index does not fit its documents");
        this.docEntry = new int[n];
        this.docKind = corpus.kinds.toArray(Kind[]::new);
        this.docLang = corpus.langs.toArray(Lang[]::new);
        Map<String, Integer> entryIndex = new LinkedHashMap<>();
        Map<String, List<Integer>> byEntry = new HashMap<>();
        for (int d = 0; d < n; d++) {
            String id = corpus.ids.get(d);
            docEntry[d] = entryIndex.computeIfAbsent(id, k -> entryIndex.size());
            byEntry.computeIfAbsent(id, k -> new ArrayList<>()).add(d);
        }
        this.entryIds = entryIndex.keySet().toArray(String[]::new);
        Map<String, int[]> docsOf = new HashMap<>();
        byEntry.forEach((id, list) -> docsOf.put(id, list.stream().mapToInt(Integer::intValue).toArray()));
        this.docsOfEntry = Map.copyOf(docsOf);
        Map<Lang, boolean[]> inLang = new java.util.EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            boolean[] mask = new boolean[n];
            for (int d = 0; d < n; d++) mask[d] = docLang[d] == lang;
            inLang.put(lang, mask);
        }
        this.langDocs = inLang;
        this.langDocList = lists(inLang);
        this.synonymScores = Caffeine.newBuilder().maximumSize(SYNONYM_CACHE).build();
        this.scratch = ThreadLocal.withInitial(() -> new Scratch(n));
    }

    private static Map<Lang, int[]> lists(Map<Lang, boolean[]> masks) {
        Map<Lang, int[]> out = new java.util.EnumMap<>(Lang.class);
        masks.forEach((lang, mask) -> {
            int[] list = new int[mask.length];
            int k = 0;
            for (int d = 0; d < mask.length; d++) if (mask[d]) list[k++] = d;
            out.put(lang, Arrays.copyOf(list, k));
        });
        return out;
    }

    /** One thread's working arrays; every entry is zero (false) between questions. */
    private static final class Scratch {
        final double[] sums;
        final boolean[] allowed;
        final int[] allowedList;
        final long[] keys;
        final LexicalIndex.Slots slots;

        Scratch(int maxDoc) {
            sums = new double[maxDoc];
            allowed = new boolean[maxDoc];
            allowedList = new int[maxDoc];
            keys = new long[maxDoc];
            slots = new LexicalIndex.Slots(maxDoc);
        }
    }

    /**
     * The documents a retriever searches, numbered in order: each example phrasing, title, keyword list
     * and answer of every entry, the entry's phrasings together, and the off-topic kinds shaped the same
     * way. Making it analyses nothing; {@link #index} does.
     */
    static Corpus corpus(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic) {
        Corpus docs = new Corpus();
        for (Entry entry : kb.entries()) {
            for (Lang lang : Lang.values()) {
                Entry.Text t = entry.text(lang);
                if (t == null) continue;
                for (String example : t.examples()) docs.add(entry.id(), lang, Kind.EXAMPLE, example);
                docs.add(entry.id(), lang, Kind.TITLE, t.title());
                docs.add(entry.id(), lang, Kind.KEYWORDS, String.join(" , ", t.keywords()));
                docs.add(entry.id(), lang, Kind.ANSWER, t.answer());
                docs.add(entry.id(), lang, Kind.ANSWER, t.more());
                // the entry's phrasings together, for questions that combine several of them
                docs.add(entry.id(), lang, Kind.WHOLE, String.join(" . ", t.examples()) + " . " + t.title()
                        + " . " + String.join(" , ", t.keywords()));
            }
        }
        // off-topic kinds are shaped like entries (phrasings and a whole document) so they compete fairly
        for (var kind : offTopic.entrySet()) {
            for (var byLang : kind.getValue().entrySet()) {
                String id = OFF_TOPIC_PREFIX + kind.getKey();
                for (String example : byLang.getValue()) docs.add(id, byLang.getKey(), Kind.OFF_TOPIC, example);
                docs.add(id, byLang.getKey(), Kind.OFF_TOPIC_WHOLE, String.join(" . ", byLang.getValue()));
            }
        }
        return docs;
    }

    /** The documents in the order they are numbered, with their entry, kind, language and normalized text. */
    static final class Corpus {
        private final List<String> ids = new ArrayList<>();
        private final List<Kind> kinds = new ArrayList<>();
        private final List<Lang> langs = new ArrayList<>();
        private final List<String> texts = new ArrayList<>();

        private void add(String id, Lang lang, Kind kind, String rawText) {
            if (rawText == null || rawText.isBlank()) return;
            ids.add(id);
            kinds.add(kind);
            langs.add(lang);
            texts.add(normalize(rawText, lang));
        }

        int size() {
            return ids.size();
        }

        /** Analyses every document into its language's word and n-gram fields. */
        LexicalIndex index(TextAnalyzers analyzers) {
            LexicalIndex.Builder builder = new LexicalIndex.Builder(analyzers.analyzer());
            for (int d = 0; d < ids.size(); d++) builder.add(texts.get(d), wordField(langs.get(d)), gramField(langs.get(d)));
            return builder.build();
        }
    }

    private Retriever(Retriever index, Classifier classifier) {
        this.classifier = classifier;
        this.analyzers = index.analyzers;
        this.synonyms = index.synonyms;
        this.weights = index.weights;
        this.kb = index.kb;
        this.offTopic = index.offTopic;
        this.index = index.index;
        this.docEntry = index.docEntry;
        this.docKind = index.docKind;
        this.docLang = index.docLang;
        this.entryIds = index.entryIds;
        this.docsOfEntry = index.docsOfEntry;
        this.langDocs = index.langDocs;
        this.langDocList = index.langDocList;
        this.synonymScores = index.synonymScores;
        this.scratch = index.scratch; // the same index: the same working arrays serve both
    }

    /** The same index, ranked with {@code classifier} blended in (the index is shared, not rebuilt). */
    public Retriever withClassifier(Classifier classifier) {
        return new Retriever(this, classifier);
    }

    /** Whether a classifier is blended into this ranking. */
    public boolean hasClassifier() {
        return classifier != null;
    }

    /** Entries ranked for a question, best first: the Lucene ranking blended with the classifier's. */
    public List<Match> search(String question, Lang lang) {
        return blend(rank(question, lang), lang, classifier == null ? 0 : weights.classifier());
    }

    /** The Lucene ranking and the classifier's probabilities, apart. */
    public Ranking rank(String question, Lang lang) {
        List<Match> probabilities = classifier == null ? List.of()
                : classifier.classify(question.length() > MAX_QUESTION_CHARS ? question.substring(0, MAX_QUESTION_CHARS) : question, lang);
        List<String> shortlist = probabilities.isEmpty() || SHORTLIST <= 0 ? List.of()
                : probabilities.stream().limit(SHORTLIST).map(Match::id).toList();
        return new Ranking(lexical(question, lang, shortlist), probabilities);
    }

    /**
     * One score per id: {@code 100 × ((1 − w) × lucene / scale + w × probability)}, where the scale
     * brings each language's Lucene scores near the unit of a probability.
     */
    public static List<Match> blend(Ranking ranking, Lang lang, double classifierWeight) {
        double scale = lang == Lang.KO ? KO_LUCENE_SCALE : EN_LUCENE_SCALE;
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Match m : ranking.lucene()) scores.merge(m.id(), 100 * (1 - classifierWeight) * m.score() / scale, Double::sum);
        if (classifierWeight > 0) {
            for (Match m : ranking.classifier()) scores.merge(m.id(), 100 * classifierWeight * m.score(), Double::sum);
        }
        List<Match> out = new ArrayList<>(scores.size());
        scores.forEach((id, s) -> out.add(new Match(id, s)));
        out.sort(Comparator.comparingDouble(Match::score).reversed());
        return out;
    }

    /**
     * The entries whose documents best match the question, as Lucene ranked them: a boolean query of
     * the word field, the syllable or letter n-gram field and one disjunction per synonym group,
     * filtered to the language (and the shortlist); every document passing the filters matches, the
     * best {@value #TOP_DOCS} (score descending, then document number) count for their entries.
     *
     * @param shortlist when not empty, only these ids are searched (the classifier's first cut)
     */
    List<Match> lexical(String question, Lang lang, List<String> shortlist) {
        String q = normalize(question.length() > MAX_QUESTION_CHARS ? question.substring(0, MAX_QUESTION_CHARS) : question, lang);
        Synonyms syn = synonyms.getOrDefault(lang, Synonyms.empty());
        QueryBuilder builder = new QueryBuilder(analyzers.analyzer());
        Scratch s = scratch.get();
        boolean[] allowed = shortlist.isEmpty() ? langDocs.get(lang) : s.allowed;
        int[] allowedList = shortlist.isEmpty() ? langDocList.get(lang) : s.allowedList;
        int allowedCount = 0;
        boolean clean = false;
        try {
            allowedCount = shortlist.isEmpty() ? allowedList.length : allowShortlisted(lang, shortlist, s);
            LexicalIndex.Evaluation scoring = index.evaluation(allowed, allowedCount, s.slots);
            double[] sums = s.sums;
            addClause(sums, scoring, builder.createBooleanQuery(wordField(lang), q), weights.word());
            addClause(sums, scoring, builder.createBooleanQuery(gramField(lang), q), weights.gram());
            // Each synonym group counts once, by its best-matching word, however many variants it lists.
            for (List<String> group : syn.expansionGroups(q)) {
                String key = lang.code() + '\u0000' + String.join("\u0000", group);
                LexicalIndex.Scores kept = synonymScores.get(key, k -> {
                    Query query = synonymQuery(builder, lang, group);
                    return query == null ? null : index.scoresOverAll(query, (float) weights.synonymWord());
                });
                if (kept != null) scoring.add(kept, sums);
            }
            List<Match> matches = entryScores(topDocs(allowedList, allowedCount, sums, s.keys), sums);
            clean = true;
            return matches;
        } finally {
            // only allowed documents were scored: clearing them leaves the arrays as they were
            for (int i = 0; i < allowedCount; i++) {
                s.sums[allowedList[i]] = 0;
                s.allowed[allowedList[i]] = false;
            }
            // a failure part-way may leave a slot or an allowed mark set: this thread starts again with new arrays
            if (!clean) scratch.remove();
        }
    }

    /** One synonym group's clause: the best of its words in either field; null when it has none. */
    private Query synonymQuery(QueryBuilder builder, Lang lang, List<String> group) {
        if (weights.synonymWord() <= 0) return null;
        List<Query> alternatives = new ArrayList<>();
        for (String word : group) {
            Query w = builder.createBooleanQuery(wordField(lang), word);
            if (w != null) alternatives.add(w);
            Query g = weights.synonymGram() > 0 ? builder.createBooleanQuery(gramField(lang), word) : null;
            if (g != null) alternatives.add(new BoostQuery(g, (float) (weights.synonymGram() / Math.max(1e-9, weights.synonymWord()))));
        }
        return alternatives.isEmpty() ? null : new DisjunctionMaxQuery(alternatives, 0.1f);
    }

    /** Marks the shortlisted ids' documents in the language as allowed, lists them; returns how many. */
    private int allowShortlisted(Lang lang, List<String> shortlist, Scratch s) {
        boolean[] inLang = langDocs.get(lang);
        int n = 0;
        for (String id : shortlist) {
            int[] docs = docsOfEntry.get(id);
            if (docs == null) continue;
            for (int d : docs) {
                if (!inLang[d] || s.allowed[d]) continue;
                s.allowed[d] = true;
                s.allowedList[n++] = d;
            }
        }
        return n;
    }

    private static void addClause(double[] sums, LexicalIndex.Evaluation scoring, Query clause, double boost) {
        if (clause != null && boost > 0) scoring.score(clause, (float) boost, sums);
    }

    /** The allowed documents, best first (equal scores: lower document number first), at most {@value #TOP_DOCS}. */
    private static int[] topDocs(int[] allowedList, int allowedCount, double[] sums, long[] keys) {
        for (int i = 0; i < allowedCount; i++) {
            int d = allowedList[i];
            // scores are never negative, so their float bits order them
            int bits = Float.floatToIntBits((float) sums[d]);
            keys[i] = ((long) (Integer.MAX_VALUE - bits) << 32) | d;
        }
        Arrays.sort(keys, 0, allowedCount);
        int[] docs = new int[Math.min(allowedCount, TOP_DOCS)];
        for (int i = 0; i < docs.length; i++) docs[i] = (int) keys[i];
        return docs;
    }

    /** Each entry's documents, weighted by kind, as a decaying sum; entries in order of first appearance, then by score. */
    private List<Match> entryScores(int[] topDocs, double[] sums) {
        int[] count = new int[entryIds.length];
        int[] order = new int[entryIds.length];
        int entries = 0;
        for (int d : topDocs) {
            if (count[docEntry[d]]++ == 0) order[entries++] = docEntry[d];
        }
        double[][] scores = new double[entryIds.length][];
        int[] filled = new int[entryIds.length];
        for (int d : topDocs) {
            int e = docEntry[d];
            if (scores[e] == null) scores[e] = new double[count[e]];
            // a hit's score is a float, as Lucene returned it
            scores[e][filled[e]++] = (float) sums[d] * kindWeight(docKind[d]);
        }
        List<Match> matches = new ArrayList<>(entries);
        for (int i = 0; i < entries; i++) matches.add(new Match(entryIds[order[i]], decayingSum(scores[order[i]])));
        matches.sort(Comparator.comparingDouble(Match::score).reversed());
        return matches;
    }

    /** The best document counts fully, the next ones less and less: many weak matches do not outweigh one strong. */
    private double decayingSum(double[] scores) {
        Arrays.sort(scores);
        double total = 0;
        double factor = 1;
        for (int i = scores.length - 1; i >= 0; i--) {
            total += factor * scores[i];
            factor *= weights.decay();
        }
        return total;
    }

    private double kindWeight(Kind kind) {
        return switch (kind) {
            case EXAMPLE -> weights.example();
            case TITLE -> weights.title();
            case KEYWORDS -> weights.keywords();
            case ANSWER -> weights.answer();
            case WHOLE -> weights.whole();
            case OFF_TOPIC -> weights.example() * weights.offTopic();
            case OFF_TOPIC_WHOLE -> weights.whole() * weights.offTopic();
        };
    }

    static String normalize(String text, Lang lang) {
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        return lang == Lang.KO ? KoreanNormalizer.normalize(lower) : lower;
    }

    private static String wordField(Lang lang) {
        return lang == Lang.KO ? TextAnalyzers.KO_WORD : TextAnalyzers.EN_WORD;
    }

    private static String gramField(Lang lang) {
        return lang == Lang.KO ? TextAnalyzers.KO_GRAM : TextAnalyzers.EN_GRAM;
    }

    /** The content this index was built from, for checking it against a reference ranking. */
    KnowledgeBase knowledgeBase() {
        return kb;
    }

    Map<String, Map<Lang, List<String>>> offTopic() {
        return offTopic;
    }

    TextAnalyzers analyzers() {
        return analyzers;
    }

    Map<Lang, Synonyms> synonyms() {
        return synonyms;
    }

    Weights weights() {
        return weights;
    }

    Classifier classifier() {
        return classifier;
    }

    /** Nothing to release: the index is plain heap memory (kept for callers that close a retriever). */
    @Override
    public void close() {
    }
}
