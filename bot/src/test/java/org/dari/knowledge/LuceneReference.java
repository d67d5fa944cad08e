package org.dari.knowledge;

import org.apache.lucene.document.Document;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.util.QueryBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.dari.knowledge.Retriever.Kind;
import org.dari.knowledge.Retriever.Match;
import org.dari.knowledge.Retriever.Weights;

/**
 * The retriever's document ranking as it was computed before {@link LexicalIndex}: a Lucene index
 * (ByteBuffersDirectory, IndexWriter) searched with IndexSearcher. Kept as the reference the
 * in-memory scorer must agree with; the code is the former Retriever's, unchanged.
 */
final class LuceneReference implements AutoCloseable {
    private static final int MAX_QUESTION_CHARS = 200;
    private static final int TOP_DOCS = 400;
    private static final String OFF_TOPIC_PREFIX = Retriever.OFF_TOPIC_PREFIX;

    private final TextAnalyzers analyzers;
    private final Map<Lang, Synonyms> synonyms;
    private final Weights weights;
    private final DirectoryReader reader;
    private final IndexSearcher searcher;
    private final String[] docEntry;
    private final Kind[] docKind;

    LuceneReference(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic, TextAnalyzers analyzers,
                    Map<Lang, Synonyms> synonyms, Weights weights) {
        this.analyzers = analyzers;
        this.synonyms = Map.copyOf(synonyms);
        this.weights = weights;
        ByteBuffersDirectory directory = new ByteBuffersDirectory();
        try (IndexWriter writer = new IndexWriter(directory, new IndexWriterConfig(analyzers.analyzer()))) {
            for (Entry entry : kb.entries()) {
                for (Lang lang : Lang.values()) {
                    Entry.Text t = entry.text(lang);
                    if (t == null) continue;
                    for (String example : t.examples()) add(writer, entry.id(), lang, Kind.EXAMPLE, example);
                    add(writer, entry.id(), lang, Kind.TITLE, t.title());
                    add(writer, entry.id(), lang, Kind.KEYWORDS, String.join(" , ", t.keywords()));
                    add(writer, entry.id(), lang, Kind.ANSWER, t.answer());
                    add(writer, entry.id(), lang, Kind.ANSWER, t.more());
                    // the entry's phrasings together, for questions that combine several of them
                    add(writer, entry.id(), lang, Kind.WHOLE, String.join(" . ", t.examples()) + " . " + t.title()
                            + " . " + String.join(" , ", t.keywords()));
                }
            }
            // off-topic kinds are shaped like entries (phrasings and a whole document) so they compete fairly
            for (var kind : offTopic.entrySet()) {
                for (var byLang : kind.getValue().entrySet()) {
                    String id = OFF_TOPIC_PREFIX + kind.getKey();
                    for (String example : byLang.getValue()) add(writer, id, byLang.getKey(), Kind.OFF_TOPIC, example);
                    add(writer, id, byLang.getKey(), Kind.OFF_TOPIC_WHOLE, String.join(" . ", byLang.getValue()));
                }
            }
            writer.commit();
            this.reader = DirectoryReader.open(directory);
            this.searcher = new IndexSearcher(reader);
            this.docEntry = new String[reader.maxDoc()];
            this.docKind = new Kind[reader.maxDoc()];
            StoredFields stored = reader.storedFields();
            for (int d = 0; d < reader.maxDoc(); d++) {
                Document doc = stored.document(d);
                docEntry[d] = doc.get("id");
                docKind[d] = Kind.values()[doc.getField("kind").numericValue().intValue()];
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void add(IndexWriter writer, String id, Lang lang, Kind kind, String rawText) throws IOException {
        if (rawText == null || rawText.isBlank()) return;
        String text = normalize(rawText, lang);
        Document doc = new Document();
        doc.add(new StringField("id", id, Field.Store.YES));
        doc.add(new StringField("lang", lang.code(), Field.Store.NO));
        doc.add(new StoredField("kind", kind.ordinal()));
        doc.add(new TextField(wordField(lang), text, Field.Store.NO));
        doc.add(new TextField(gramField(lang), text, Field.Store.NO));
        writer.addDocument(doc);
    }

    /** @param shortlist when not empty, only these ids are searched (the classifier's first cut) */
    List<Match> search(String question, Lang lang, List<String> shortlist) {
        String q = normalize(question.length() > MAX_QUESTION_CHARS ? question.substring(0, MAX_QUESTION_CHARS) : question, lang);
        Synonyms syn = synonyms.getOrDefault(lang, Synonyms.empty());
        QueryBuilder builder = new QueryBuilder(analyzers.analyzer());
        BooleanQuery.Builder query = new BooleanQuery.Builder();
        addClause(query, builder.createBooleanQuery(wordField(lang), q), weights.word());
        addClause(query, builder.createBooleanQuery(gramField(lang), q), weights.gram());
        // Each synonym group counts once, by its best-matching word, however many variants it lists.
        for (List<String> group : syn.expansionGroups(q)) {
            List<Query> alternatives = new ArrayList<>();
            for (String word : group) {
                Query w = builder.createBooleanQuery(wordField(lang), word);
                if (w != null) alternatives.add(w);
                Query g = weights.synonymGram() > 0 ? builder.createBooleanQuery(gramField(lang), word) : null;
                if (g != null) alternatives.add(new BoostQuery(g, (float) (weights.synonymGram() / Math.max(1e-9, weights.synonymWord()))));
            }
            if (!alternatives.isEmpty()) addClause(query, new DisjunctionMaxQuery(alternatives, 0.1f), weights.synonymWord());
        }
        query.add(new TermQuery(new Term("lang", lang.code())), BooleanClause.Occur.FILTER);
        if (!shortlist.isEmpty()) {
            query.add(new org.apache.lucene.search.TermInSetQuery("id",
                    shortlist.stream().map(org.apache.lucene.util.BytesRef::new).toList()), BooleanClause.Occur.FILTER);
        }
        Map<String, List<Double>> docScores = new LinkedHashMap<>();
        try {
            for (ScoreDoc hit : searcher.search(query.build(), TOP_DOCS).scoreDocs) {
                double s = hit.score * kindWeight(docKind[hit.doc]);
                docScores.computeIfAbsent(docEntry[hit.doc], k -> new ArrayList<>()).add(s);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Match> matches = new ArrayList<>();
        docScores.forEach((id, scores) -> matches.add(new Match(id, decayingSum(scores))));
        matches.sort(Comparator.comparingDouble(Match::score).reversed());
        return matches;
    }

    /** The best document counts fully, the next ones less and less: many weak matches do not outweigh one strong. */
    private double decayingSum(List<Double> scores) {
        scores.sort(Comparator.reverseOrder());
        double total = 0;
        double factor = 1;
        for (double s : scores) {
            total += factor * s;
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

    private static void addClause(BooleanQuery.Builder query, Query clause, double boost) {
        if (clause != null && boost > 0) query.add(new BoostQuery(clause, (float) boost), BooleanClause.Occur.SHOULD);
    }

    private static String normalize(String text, Lang lang) {
        return Retriever.normalize(text, lang);
    }

    private static String wordField(Lang lang) {
        return lang == Lang.KO ? TextAnalyzers.KO_WORD : TextAnalyzers.EN_WORD;
    }

    private static String gramField(Lang lang) {
        return lang == Lang.KO ? TextAnalyzers.KO_GRAM : TextAnalyzers.EN_GRAM;
    }

    @Override
    public void close() throws IOException {
        reader.close();
    }
}
