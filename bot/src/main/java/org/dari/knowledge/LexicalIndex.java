package org.dari.knowledge;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.tokenattributes.PositionIncrementAttribute;
import org.apache.lucene.analysis.tokenattributes.TermFrequencyAttribute;
import org.apache.lucene.analysis.tokenattributes.TermToBytesRefAttribute;
import org.apache.lucene.search.BooleanClause;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.BoostQuery;
import org.apache.lucene.search.DisjunctionMaxQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.SynonymQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.util.BytesRef;
import org.apache.lucene.util.SmallFloat;

import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * An in-memory inverted index that scores the queries Lucene's {@link org.apache.lucene.util.QueryBuilder}
 * makes exactly as Lucene's default similarity does (BM25, k1 = 1.2, b = 0.75, lengths stored in
 * Lucene's one-byte norm encoding, overlapping tokens not counted in a length), without Lucene's
 * index files: postings are plain arrays, so scoring a question is a few array walks instead of
 * decoding postings and norms for every term.
 *
 * <p>Understands the queries the retriever builds: {@link TermQuery}, {@link SynonymQuery} (terms of
 * boost 1, as the analyzers make them), {@link BooleanQuery} (MUST, SHOULD, FILTER; no minimum
 * should-match), {@link BoostQuery} and {@link DisjunctionMaxQuery}. Anything else is refused.
 * Immutable once built; safe for any number of threads.
 */
final class LexicalIndex {
    private static final float K1 = 1.2f;
    private static final float B = 0.75f;
    /** The document length a one-byte norm stands for (as Lucene decodes it). */
    private static final float[] LENGTH_TABLE = new float[256];

    static {
        for (int i = 0; i < 256; i++) LENGTH_TABLE[i] = SmallFloat.byte4ToInt((byte) i);
    }

    /** The documents that hold a term, ascending, with how often it occurs in each. */
    private record Postings(int[] docs, int[] freqs, long totalTermFreq) {
        int docFreq() {
            return docs.length;
        }
    }

    /** One field's postings and the statistics BM25 needs. */
    private static final class Field {
        final Map<BytesRef, Postings> postings;
        /** Per document: Lucene's encoded length (0 when the document has nothing in this field). */
        final byte[] norms;
        final int docCount;
        final long sumTotalTermFreq;
        /** Per encoded length: 1 / (k1 × (1 − b + b × length / average length)). */
        final float[] normInverse = new float[256];

        Field(Map<BytesRef, Postings> postings, byte[] norms, int docCount, long sumTotalTermFreq) {
            this.postings = postings;
            this.norms = norms;
            this.docCount = docCount;
            this.sumTotalTermFreq = sumTotalTermFreq;
            float avgdl = docCount == 0 ? 1 : (float) (sumTotalTermFreq / (double) docCount);
            for (int i = 0; i < 256; i++) normInverse[i] = 1f / (K1 * ((1 - B) + B * LENGTH_TABLE[i] / avgdl));
        }

        float idf(long docFreq) {
            return (float) Math.log(1 + (docCount - docFreq + 0.5D) / (docFreq + 0.5D));
        }
    }

    private final Map<String, Field> fields;
    private final int maxDoc;

    private LexicalIndex(Map<String, Field> fields, int maxDoc) {
        this.fields = Map.copyOf(fields);
        this.maxDoc = maxDoc;
    }

    int maxDoc() {
        return maxDoc;
    }

    /** Collects documents (numbered in the order added) and analyses each field once. */
    static final class Builder {
        private final Analyzer analyzer;
        private final Map<String, FieldBuilder> fields = new HashMap<>();
        private int docs;

        Builder(Analyzer analyzer) {
            this.analyzer = analyzer;
        }

        /** Adds one document with the given text in each of the given fields; returns its number. */
        int add(String text, String... fieldNames) {
            int doc = docs++;
            for (String name : fieldNames) fields.computeIfAbsent(name, k -> new FieldBuilder()).add(doc, analyzer, name, text);
            return doc;
        }

        LexicalIndex build() {
            Map<String, Field> built = new HashMap<>();
            fields.forEach((name, f) -> built.put(name, f.build(docs)));
            return new LexicalIndex(built, docs);
        }
    }

    private static final class FieldBuilder {
        private final Map<BytesRef, int[]> counts = new HashMap<>();
        private final Map<BytesRef, List<int[]>> postings = new HashMap<>();
        private final List<int[]> norms = new ArrayList<>();
        private int docCount;
        private long sumTotalTermFreq;

        void add(int doc, Analyzer analyzer, String field, String text) {
            counts.clear();
            int length = 0;
            int overlaps = 0;
            try (TokenStream ts = analyzer.tokenStream(field, text)) {
                TermToBytesRefAttribute term = ts.addAttribute(TermToBytesRefAttribute.class);
                PositionIncrementAttribute posInc = ts.addAttribute(PositionIncrementAttribute.class);
                TermFrequencyAttribute termFreq = ts.addAttribute(TermFrequencyAttribute.class);
                ts.reset();
                while (ts.incrementToken()) {
                    int freq = termFreq.getTermFrequency();
                    length += freq;
                    if (posInc.getPositionIncrement() == 0) overlaps++;
                    int[] c = counts.get(term.getBytesRef());
                    if (c == null) counts.put(BytesRef.deepCopyOf(term.getBytesRef()), new int[] {freq});
                    else c[0] += freq;
                }
                ts.end();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (counts.isEmpty()) return;
            docCount++;
            sumTotalTermFreq += length;
            // Lucene's default similarity does not count tokens stacked on a position in the length
            norms.add(new int[] {doc, SmallFloat.intToByte4(length - overlaps)});
            counts.forEach((t, c) -> postings.computeIfAbsent(t, k -> new ArrayList<>()).add(new int[] {doc, c[0]}));
        }

        Field build(int maxDoc) {
            byte[] n = new byte[maxDoc];
            for (int[] dn : norms) n[dn[0]] = (byte) dn[1];
            Map<BytesRef, Postings> out = new HashMap<>(postings.size() * 2);
            postings.forEach((t, list) -> {
                int[] docs = new int[list.size()];
                int[] freqs = new int[list.size()];
                long total = 0;
                for (int i = 0; i < docs.length; i++) {
                    docs[i] = list.get(i)[0];
                    freqs[i] = list.get(i)[1];
                    total += freqs[i];
                }
                out.put(t, new Postings(docs, freqs, total));
            });
            return new Field(out, n, docCount, sumTotalTermFreq);
        }
    }

    /**
     * Writes the index: per field (by name) its statistics, norms and postings, terms in byte order,
     * so the same index always writes the same bytes.
     */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(maxDoc);
        List<String> names = new ArrayList<>(fields.keySet());
        names.sort(null);
        out.writeInt(names.size());
        for (String name : names) {
            Field f = fields.get(name);
            out.writeUTF(name);
            out.writeInt(f.docCount);
            out.writeLong(f.sumTotalTermFreq);
            out.write(f.norms);
            List<BytesRef> terms = new ArrayList<>(f.postings.keySet());
            terms.sort(null);
            out.writeInt(terms.size());
            for (BytesRef term : terms) {
                Postings p = f.postings.get(term);
                if (term.length > 0xFFFF) throw new IOException("term too long to keep");
                out.writeShort(term.length);
                out.write(term.bytes, term.offset, term.length);
                out.writeInt(p.docs.length);
                for (int doc : p.docs) out.writeInt(doc);
                for (int freq : p.freqs) out.writeInt(freq);
            }
        }
    }

    /**
     * Reads what {@link #writeTo} wrote; throws IOException when it does not hold together (counts out
     * of range, documents out of order or beyond the index, a term twice), so a damaged file that
     * passed its checksum still cannot make an index that scores wrongly or fails later.
     */
    static LexicalIndex readFrom(ByteBuffer in) throws IOException {
        try {
            DataInputStream names = new DataInputStream(new ByteBufferBackedInputStream(in));
            int maxDoc = KnowledgeCache.count(in.getInt(), MAX_DOCS);
            int fieldCount = KnowledgeCache.count(in.getInt(), 64);
            Map<String, Field> fields = new HashMap<>();
            for (int f = 0; f < fieldCount; f++) {
                String name = names.readUTF();
                int docCount = KnowledgeCache.count(in.getInt(), maxDoc);
                long sumTotalTermFreq = in.getLong();
                if (sumTotalTermFreq < 0) throw new IOException("bad length sum");
                byte[] norms = new byte[maxDoc];
                in.get(norms);
                int termCount = KnowledgeCache.count(in.getInt(), MAX_TERMS);
                Map<BytesRef, Postings> postings = new HashMap<>(termCount * 2);
                for (int t = 0; t < termCount; t++) {
                    byte[] term = new byte[Short.toUnsignedInt(in.getShort())];
                    in.get(term);
                    int n = KnowledgeCache.count(in.getInt(), maxDoc);
                    if (n == 0) throw new IOException("term without documents");
                    int[] docs = new int[n];
                    int[] freqs = new int[n];
                    in.asIntBuffer().get(docs).get(freqs);
                    in.position(in.position() + 8 * n);
                    long total = 0;
                    for (int i = 0; i < n; i++) {
                        if (docs[i] < 0 || docs[i] >= maxDoc || (i > 0 && docs[i] <= docs[i - 1]) || freqs[i] <= 0) {
                            throw new IOException("bad postings");
                        }
                        total += freqs[i];
                    }
                    if (postings.put(new BytesRef(term), new Postings(docs, freqs, total)) != null) throw new IOException("repeated term");
                }
                if (fields.put(name, new Field(postings, norms, docCount, sumTotalTermFreq)) != null) throw new IOException("repeated field");
            }
            return new LexicalIndex(fields, maxDoc);
        } catch (java.nio.BufferUnderflowException e) {
            throw new java.io.EOFException("index cut short");
        }
    }

    private static final int MAX_DOCS = 10_000_000;
    private static final int MAX_TERMS = 100_000_000;


    /**
     * Scores queries over the allowed documents only; one per question (not shared between threads),
     * with working arrays the caller keeps for one thread.
     */
    Evaluation evaluation(boolean[] allowed, int allowedCount, Slots slots) {
        if (slots.maxDoc != maxDoc) throw new IllegalArgumentException("slots sized for another index");
        return new Evaluation(allowed, allowedCount, slots);
    }

    /**
     * Per nesting depth, a map from document to its slot in that node's compact arrays (0: not seen),
     * cleared again by each node after use; reusable by one thread at a time.
     */
    static final class Slots {
        private final int maxDoc;
        private final List<int[]> byDepth = new ArrayList<>();

        Slots(int maxDoc) {
            this.maxDoc = maxDoc;
        }

        int[] at(int depth) {
            while (byDepth.size() <= depth) byDepth.add(new int[maxDoc]);
            return byDepth.get(depth);
        }
    }

    /**
     * A query's scores over every document, to keep and apply to many questions: a document's score
     * does not depend on which other documents a question allows.
     */
    Scores scoresOverAll(Query query, float boost) {
        boolean[] all = new boolean[maxDoc];
        Arrays.fill(all, true);
        Hits hits = new Evaluation(all, maxDoc, new Slots(maxDoc)).evaluate(query, boost, 0);
        return new Scores(Arrays.copyOf(hits.docs, hits.size), Arrays.copyOf(hits.scores, hits.size));
    }

    /** The documents a query matches, with their scores; immutable. */
    static final class Scores {
        private final int[] docs;
        private final float[] scores;

        private Scores(int[] docs, float[] scores) {
            this.docs = docs;
            this.scores = scores;
        }
    }

    /** The documents a query matches (in no particular order), with their scores. */
    private record Hits(int[] docs, float[] scores, int size) {
        static final Hits NONE = new Hits(new int[0], new float[0], 0);
    }

    /** As Lucene's BM25 scorer computes it (weight = boost × idf), in the same float steps. */
    private static float bm25(float weight, float freq, float normInverse) {
        return weight - weight / (1f + freq * normInverse);
    }

    /**
     * One query's evaluation. Each nesting depth has a map from document to its slot in that node's
     * compact arrays (0: not seen yet), cleared again after use, so a node costs its hits, not the index.
     */
    final class Evaluation {
        private final boolean[] allowed;
        /** How many documents are allowed: no node has more hits, so none needs longer arrays. */
        private final int allowedCount;
        private final Slots slots;

        private Evaluation(boolean[] allowed, int allowedCount, Slots slots) {
            this.allowed = allowed;
            this.allowedCount = allowedCount;
            this.slots = slots;
        }

        /**
         * Adds each allowed document's score for {@code query} × {@code boost} into {@code scores}.
         * Documents are visited in no particular order: a score is a sum or a maximum, never a sequence.
         */
        void score(Query query, float boost, double[] scores) {
            Hits hits = evaluate(query, boost, 0);
            for (int i = 0; i < hits.size; i++) scores[hits.docs[i]] += hits.scores[i];
        }

        /** Adds the allowed documents' scores of {@link #scoresOverAll} into {@code scores}. */
        void add(Scores kept, double[] scores) {
            for (int i = 0; i < kept.docs.length; i++) {
                int doc = kept.docs[i];
                if (allowed[doc]) scores[doc] += kept.scores[i];
            }
        }

        private int[] slots(int depth) {
            return slots.at(depth);
        }

        private Hits evaluate(Query query, float boost, int depth) {
            if (query instanceof BoostQuery b) return evaluate(b.getQuery(), b.getBoost() * boost, depth);
            if (query instanceof TermQuery t) return term(t, boost);
            if (query instanceof SynonymQuery s) return synonym(s, boost, depth);
            if (query instanceof BooleanQuery b) return bool(b, boost, depth);
            if (query instanceof DisjunctionMaxQuery d) return disjunctionMax(d, boost, depth);
            throw new IllegalArgumentException("query type not supported: " + query.getClass().getSimpleName());
        }

        private Hits term(TermQuery query, float boost) {
            Field field = fields.get(query.getTerm().field());
            Postings p = field == null ? null : field.postings.get(query.getTerm().bytes());
            if (p == null) return Hits.NONE;
            float weight = boost * field.idf(p.docFreq());
            int capacity = Math.min(p.docs.length, allowedCount);
            int[] docs = new int[capacity];
            float[] scores = new float[capacity];
            int n = 0;
            for (int i = 0; i < p.docs.length; i++) {
                int doc = p.docs[i];
                if (!allowed[doc]) continue;
                docs[n] = doc;
                scores[n++] = bm25(weight, p.freqs[i], field.normInverse[field.norms[doc] & 0xFF]);
            }
            return new Hits(docs, scores, n);
        }

        /** Lucene's SynonymQuery: one pseudo-term whose frequency is the sum, document frequency the largest. */
        private Hits synonym(SynonymQuery query, float boost, int depth) {
            Field field = fields.get(query.getField());
            if (field == null) return Hits.NONE;
            List<Postings> postings = new ArrayList<>();
            int docFreq = 0;
            int capacity = 0;
            for (var t : query.getTerms()) {
                Postings p = field.postings.get(t.bytes());
                if (p == null) continue;
                postings.add(p);
                docFreq = Math.max(docFreq, p.docFreq());
                capacity += p.docs.length;
            }
            if (postings.isEmpty()) return Hits.NONE;
            capacity = Math.min(capacity, allowedCount);
            int[] slot = slots(depth);
            int[] docs = new int[capacity];
            int[] freqs = new int[capacity];
            int n = 0;
            for (Postings p : postings) {
                for (int i = 0; i < p.docs.length; i++) {
                    int doc = p.docs[i];
                    if (!allowed[doc]) continue;
                    int s = slot[doc] - 1;
                    if (s < 0) {
                        s = n++;
                        slot[doc] = s + 1;
                        docs[s] = doc;
                    }
                    freqs[s] += p.freqs[i];
                }
            }
            float weight = boost * field.idf(docFreq);
            float[] scores = new float[n];
            for (int s = 0; s < n; s++) {
                int doc = docs[s];
                slot[doc] = 0;
                scores[s] = bm25(weight, freqs[s], field.normInverse[field.norms[doc] & 0xFF]);
            }
            return new Hits(docs, scores, n);
        }

        private Hits bool(BooleanQuery query, float boost, int depth) {
            if (query.getMinimumNumberShouldMatch() > 0) {
                throw new IllegalArgumentException("minimum should-match not supported");
            }
            List<BooleanClause> clauses = query.clauses();
            Hits[] hits = new Hits[clauses.size()];
            int capacity = 0;
            int requiredClauses = 0;
            for (int c = 0; c < hits.length; c++) {
                BooleanClause.Occur occur = clauses.get(c).getOccur();
                if (occur == BooleanClause.Occur.MUST_NOT) throw new IllegalArgumentException("MUST_NOT not supported");
                if (occur != BooleanClause.Occur.SHOULD) requiredClauses++;
                hits[c] = evaluate(clauses.get(c).getQuery(), boost, depth + 1);
                capacity += hits[c].size;
            }
            capacity = Math.min(capacity, allowedCount);
            int[] slot = slots(depth);
            int[] docs = new int[capacity];
            double[] sums = new double[capacity];
            int[] required = new int[capacity];
            int n = 0;
            for (int c = 0; c < hits.length; c++) {
                BooleanClause.Occur occur = clauses.get(c).getOccur();
                boolean scoring = occur != BooleanClause.Occur.FILTER;
                boolean isRequired = occur != BooleanClause.Occur.SHOULD;
                Hits h = hits[c];
                for (int i = 0; i < h.size; i++) {
                    int doc = h.docs[i];
                    int s = slot[doc] - 1;
                    if (s < 0) {
                        s = n++;
                        slot[doc] = s + 1;
                        docs[s] = doc;
                    }
                    if (scoring) sums[s] += h.scores[i];
                    if (isRequired) required[s]++;
                }
            }
            // with required clauses, a document must match them all (SHOULD clauses only add);
            // without, matching any SHOULD clause is enough
            int[] outDocs = new int[n];
            float[] outScores = new float[n];
            int m = 0;
            for (int s = 0; s < n; s++) {
                slot[docs[s]] = 0;
                if (required[s] != requiredClauses) continue;
                outDocs[m] = docs[s];
                outScores[m++] = (float) sums[s];
            }
            return new Hits(outDocs, outScores, m);
        }

        /** Lucene's DisjunctionMaxQuery: the best clause's score plus the tie-breaker times the others'. */
        private Hits disjunctionMax(DisjunctionMaxQuery query, float boost, int depth) {
            List<Hits> hits = new ArrayList<>();
            int capacity = 0;
            for (Query disjunct : query.getDisjuncts()) {
                Hits h = evaluate(disjunct, boost, depth + 1);
                hits.add(h);
                capacity += h.size;
            }
            capacity = Math.min(capacity, allowedCount);
            int[] slot = slots(depth);
            int[] docs = new int[capacity];
            float[] max = new float[capacity];
            double[] others = new double[capacity];
            int n = 0;
            for (Hits h : hits) {
                for (int i = 0; i < h.size; i++) {
                    int doc = h.docs[i];
                    float score = h.scores[i];
                    int s = slot[doc] - 1;
                    if (s < 0) {
                        s = n++;
                        slot[doc] = s + 1;
                        docs[s] = doc;
                        max[s] = score;
                    } else if (score >= max[s]) {
                        others[s] += max[s];
                        max[s] = score;
                    } else {
                        others[s] += score;
                    }
                }
            }
            float tie = query.getTieBreakerMultiplier();
            float[] scores = new float[n];
            for (int s = 0; s < n; s++) {
                slot[docs[s]] = 0;
                scores[s] = (float) (max[s] + others[s] * tie);
            }
            return new Hits(docs, scores, n);
        }
    }
}
