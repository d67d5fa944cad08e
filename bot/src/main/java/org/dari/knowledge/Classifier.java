package org.dari.knowledge;

import com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream;
import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A logistic-regression classifier (LIBLINEAR) per language over {@link TextFeatures}, trained when
 * the content loads on every way of asking that the content holds: entry titles, examples and
 * keywords, the off-topic kinds and the extra phrasings. It gives each entry (and each kind of
 * question to decline) a probability, which the retriever blends with the Lucene ranking.
 */
public final class Classifier {
    /** Regularisation: higher fits the training phrasings more closely. */
    static final double COST = 16;
    /** LIBLINEAR's stopping tolerance. */
    static final double EPSILON = 0.1;

    private final TextFeatures features;
    private final Map<Lang, LangModel> models = new EnumMap<>(Lang.class);

    /**
     * One language's model: LIBLINEAR's weights (feature-major, one per class, or one in all for two
     * classes), its labels in the order the weights are, and the feature and class names. The weights
     * are a buffer so that a model read back from the cache stays where it was read, outside the heap.
     */
    private record LangModel(DoubleBuffer weights, int[] labels, Map<String, Integer> dictionary, String[] classOfLabel) {
        LangModel {
            weights = weights.asReadOnlyBuffer();
        }
    }

    /** Training examples: class id → texts, per language. */
    public static final class Examples {
        private final Map<Lang, Map<String, List<String>>> byLang = new EnumMap<>(Lang.class);

        public Examples add(Lang lang, String classId, String text) {
            if (text != null && !text.isBlank()) {
                byLang.computeIfAbsent(lang, k -> new LinkedHashMap<>()).computeIfAbsent(classId, k -> new ArrayList<>()).add(text);
            }
            return this;
        }

        public Examples addAll(Lang lang, String classId, List<String> texts) {
            texts.forEach(t -> add(lang, classId, t));
            return this;
        }

        /** Language → class id → texts, in the order training sees them. */
        Map<Lang, Map<String, List<String>>> byLang() {
            return byLang;
        }
    }

    /** Trains the languages side by side. */
    public Classifier(Examples examples, Map<Lang, Synonyms> synonyms) {
        this(examples, synonyms, true);
    }

    /**
     * @param parallel false trains one language after the other on the calling thread (in the background
     *                 of a starting bot, so the start keeps the other core); the models are the same
     */
    public Classifier(Examples examples, Map<Lang, Synonyms> synonyms, boolean parallel) {
        this.features = new TextFeatures(synonyms);
        Linear.disableDebugOutput();
        var trainable = (parallel ? examples.byLang.entrySet().parallelStream() : examples.byLang.entrySet().stream())
                .filter(e -> e.getValue().size() >= 2);
        models.putAll(trainable.collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> train(e.getKey(), e.getValue()))));
    }

    private Classifier(Map<Lang, LangModel> models, Map<Lang, Synonyms> synonyms) {
        this.features = new TextFeatures(synonyms);
        this.models.putAll(models);
    }

    /** What training depends on besides the code: the solver and its parameters. */
    static String parameters() {
        return SolverType.L2R_LR + " C=" + COST + " eps=" + EPSILON + " bias=1";
    }

    /**
     * Writes the trained models: per language its classes, its feature dictionary, its labels and its
     * weights as binary doubles (so a model read back predicts exactly the same).
     */
    void writeTo(DataOutputStream out) throws IOException {
        out.writeInt(models.size());
        for (var e : models.entrySet()) {
            LangModel m = e.getValue();
            out.writeUTF(e.getKey().code());
            out.writeInt(m.classOfLabel().length);
            for (String c : m.classOfLabel()) out.writeUTF(c);
            String[] byIndex = new String[m.dictionary().size() + 1];
            m.dictionary().forEach((feature, index) -> byIndex[index] = feature);
            out.writeInt(m.dictionary().size());
            for (int i = 1; i < byIndex.length; i++) out.writeUTF(byIndex[i]);
            out.writeInt(m.labels().length);
            for (int label : m.labels()) out.writeInt(label);
            DoubleBuffer w = m.weights().duplicate().clear();
            out.writeInt(w.remaining());
            while (w.hasRemaining()) out.writeDouble(w.get());
        }
    }

    /**
     * Reads what {@link #writeTo} wrote; throws IOException when it does not hold together. The weights
     * (most of the file) are not copied: the model reads them where they lie in {@code buffer}.
     */
    static Classifier readFrom(ByteBuffer buffer, Map<Lang, Synonyms> synonyms) throws IOException {
        DataInputStream in = new DataInputStream(new ByteBufferBackedInputStream(buffer));
        Map<Lang, LangModel> models = new EnumMap<>(Lang.class);
        int languages = in.readInt();
        if (languages < 0 || languages > Lang.values().length) throw new IOException("bad language count");
        for (int l = 0; l < languages; l++) {
            Lang lang = Lang.values()[indexOfCode(in.readUTF())];
            String[] classOfLabel = new String[KnowledgeCache.count(in.readInt(), MAX_COUNT)];
            for (int i = 0; i < classOfLabel.length; i++) classOfLabel[i] = in.readUTF();
            int size = KnowledgeCache.count(in.readInt(), MAX_COUNT);
            Map<String, Integer> dictionary = new HashMap<>(size * 2);
            for (int i = 1; i <= size; i++) dictionary.put(in.readUTF(), i);
            if (dictionary.size() != size) throw new IOException("repeated feature");
            int[] labels = new int[KnowledgeCache.count(in.readInt(), MAX_COUNT)];
            if (labels.length != classOfLabel.length || labels.length < 2) throw new IOException("labels do not fit the classes");
            for (int i = 0; i < labels.length; i++) {
                labels[i] = in.readInt();
                if (labels[i] < 0 || labels[i] >= classOfLabel.length) throw new IOException("label out of range");
            }
            int weights = KnowledgeCache.count(in.readInt(), MAX_COUNT);
            if (weights != (size + 1) * weightsPerFeature(labels.length)) throw new IOException("weights do not fit the dictionary");
            if ((long) weights * Double.BYTES > buffer.remaining()) throw new IOException("weights cut short");
            DoubleBuffer w = buffer.slice(buffer.position(), weights * Double.BYTES).asDoubleBuffer();
            buffer.position(buffer.position() + weights * Double.BYTES);
            models.put(lang, new LangModel(w, labels, java.util.Collections.unmodifiableMap(dictionary), classOfLabel));
        }
        return new Classifier(models, synonyms);
    }

    /** The most classes, features or weights a cached model may declare. */
    private static final int MAX_COUNT = 100_000_000;

    /** LIBLINEAR keeps one weight per class and feature, but a single one for two classes. */
    private static int weightsPerFeature(int classes) {
        return classes == 2 ? 1 : classes;
    }

    /**
     * LIBLINEAR's {@code Linear.predictProbability} for a logistic-regression model with a bias feature,
     * step for step in the same floating-point order, so the probabilities are the same to the last
     * bit (checked against LIBLINEAR in the tests): {@code p[i]} is the probability of {@code labels[i]}.
     */
    static void probabilities(DoubleBuffer weights, int classes, int features, Feature[] x, double[] p) {
        int perFeature = weightsPerFeature(classes);
        int n = features + 1;
        Arrays.fill(p, 0, perFeature, 0);
        // a feature's weights are contiguous: read them in one bulk copy, then add in the same order
        double[] row = new double[perFeature];
        for (Feature f : x) {
            int index = f.getIndex();
            if (index > n) continue;
            double value = f.getValue();
            weights.get((index - 1) * perFeature, row, 0, perFeature);
            for (int i = 0; i < perFeature; i++) p[i] += row[i] * value;
        }
        for (int i = 0; i < perFeature; i++) p[i] = 1 / (1 + Math.exp(-p[i]));
        if (classes == 2) {
            p[1] = 1. - p[0];
        } else {
            double sum = 0;
            for (int i = 0; i < classes; i++) sum += p[i];
            for (int i = 0; i < classes; i++) p[i] = p[i] / sum;
        }
    }

    private static int indexOfCode(String code) throws IOException {
        for (Lang lang : Lang.values()) if (lang.code().equals(code)) return lang.ordinal();
        throw new IOException("unknown language");
    }

    private LangModel train(Lang lang, Map<String, List<String>> byClass) {
        Map<String, Integer> dictionary = new HashMap<>();
        List<Feature[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        String[] classOfLabel = byClass.keySet().toArray(String[]::new);
        for (int label = 0; label < classOfLabel.length; label++) {
            for (String text : byClass.get(classOfLabel[label])) {
                int[] found = new int[64];
                int n = 0;
                for (String f : features.of(text, lang)) {
                    found = append(found, n++, dictionary.computeIfAbsent(f, k -> dictionary.size() + 1));
                }
                xs.add(vector(found, n));
                ys.add((double) label);
            }
        }
        Problem problem = new Problem();
        problem.l = xs.size();
        problem.n = dictionary.size() + 1;
        problem.x = xs.toArray(Feature[][]::new);
        problem.y = ys.stream().mapToDouble(Double::doubleValue).toArray();
        problem.bias = 1;
        for (int i = 0; i < problem.l; i++) problem.x[i] = withBias(problem.x[i], problem.n);
        Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, COST, EPSILON));
        return new LangModel(DoubleBuffer.wrap(model.getFeatureWeights()), model.getLabels(), Map.copyOf(dictionary), classOfLabel);
    }

    /** Every class with its probability, most probable first; empty when the language has no model. */
    public List<Retriever.Match> classify(String text, Lang lang) {
        LangModel m = models.get(lang);
        if (m == null) return List.of();
        int[] found = new int[64];
        int n = 0;
        for (String f : features.of(text, lang)) {
            Integer index = m.dictionary().get(f);
            if (index != null) found = append(found, n++, index);
        }
        int features = m.dictionary().size();
        Feature[] x = withBias(vector(found, n), features + 1);
        int[] labels = m.labels();
        double[] p = new double[labels.length];
        probabilities(m.weights(), labels.length, features, x, p);
        List<Retriever.Match> out = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) out.add(new Retriever.Match(m.classOfLabel()[labels[i]], p[i]));
        out.sort((a, b) -> Double.compare(b.score(), a.score()));
        return out;
    }

    /** {@code found} with {@code value} at {@code n}, grown when full. */
    private static int[] append(int[] found, int n, int value) {
        int[] out = n < found.length ? found : Arrays.copyOf(found, 2 * n);
        out[n] = value;
        return out;
    }

    /**
     * The counts of the feature indexes in {@code found[0..n)} (each occurrence counts one),
     * square-rooted and scaled to unit length, indexes ascending (as LIBLINEAR needs).
     */
    private static Feature[] vector(int[] found, int n) {
        Arrays.sort(found, 0, n);
        int distinct = 0;
        for (int i = 0; i < n; i++) if (i == 0 || found[i] != found[i - 1]) distinct++;
        int[] idx = new int[distinct];
        double[] count = new double[distinct];
        for (int i = 0, k = -1; i < n; i++) {
            if (i == 0 || found[i] != found[i - 1]) idx[++k] = found[i];
            count[k] += 1.0;
        }
        double norm = 0;
        for (double c : count) norm += c;
        norm = Math.sqrt(Math.max(norm, 1e-9));
        Feature[] out = new Feature[distinct];
        for (int k = 0; k < distinct; k++) out[k] = new FeatureNode(idx[k], Math.sqrt(count[k]) / norm);
        return out;
    }

    private static Feature[] withBias(Feature[] x, int biasIndex) {
        Feature[] out = Arrays.copyOf(x, x.length + 1);
        out[x.length] = new FeatureNode(biasIndex, 1.0);
        return out;
    }
}
