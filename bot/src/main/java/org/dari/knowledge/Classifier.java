package org.dari.knowledge;

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
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
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

    private record LangModel(Model model, Map<String, Integer> dictionary, String[] classOfLabel) {
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
     * Writes the trained models: per language its feature dictionary, its classes and the LIBLINEAR
     * model (weights as binary doubles, so a model read back predicts exactly the same).
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
            java.io.ByteArrayOutputStream model = new java.io.ByteArrayOutputStream();
            try (ObjectOutputStream o = new ObjectOutputStream(model)) {
                o.writeObject(m.model());
            }
            out.writeInt(model.size());
            model.writeTo(out);
        }
    }

    /** Reads what {@link #writeTo} wrote; throws IOException when it does not hold together. */
    static Classifier readFrom(java.nio.ByteBuffer buffer, Map<Lang, Synonyms> synonyms) throws IOException {
        DataInputStream in = new DataInputStream(new com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream(buffer));
        Map<Lang, LangModel> models = new EnumMap<>(Lang.class);
        int languages = in.readInt();
        if (languages < 0 || languages > Lang.values().length) throw new IOException("bad language count");
        for (int l = 0; l < languages; l++) {
            Lang lang = Lang.values()[indexOfCode(in.readUTF())];
            String[] classOfLabel = new String[boundedCount(in.readInt())];
            for (int i = 0; i < classOfLabel.length; i++) classOfLabel[i] = in.readUTF();
            int size = boundedCount(in.readInt());
            Map<String, Integer> dictionary = new HashMap<>(size * 2);
            for (int i = 1; i <= size; i++) dictionary.put(in.readUTF(), i);
            if (dictionary.size() != size) throw new IOException("repeated feature");
            int modelBytes = boundedCount(in.readInt());
            if (modelBytes > buffer.remaining()) throw new IOException("model cut short");
            // read where it lies, not copied out first: the model is most of the file
            java.nio.ByteBuffer serialized = buffer.slice(buffer.position(), modelBytes);
            buffer.position(buffer.position() + modelBytes);
            Model model;
            try (ObjectInputStream o = new ObjectInputStream(new com.fasterxml.jackson.databind.util.ByteBufferBackedInputStream(serialized))) {
                o.setObjectInputFilter(MODEL_ONLY);
                model = (Model) o.readObject();
            } catch (ClassNotFoundException | ClassCastException e) {
                throw new IOException("not a model");
            }
            if (model.getNrClass() != classOfLabel.length || model.getNrFeature() != size
                    || model.getFeatureWeights() == null || model.getSolverType() != SolverType.L2R_LR
                    || model.getFeatureWeights().length != (size + 1) * (classOfLabel.length == 2 ? 1 : classOfLabel.length)
                    || java.util.stream.IntStream.of(model.getLabels()).anyMatch(x -> x < 0 || x >= classOfLabel.length)) {
                throw new IOException("model does not fit its dictionary");
            }
            models.put(lang, new LangModel(model, java.util.Collections.unmodifiableMap(dictionary), classOfLabel));
        }
        return new Classifier(models, synonyms);
    }

    /** Only a LIBLINEAR model and its arrays may be read back: nothing else is ever instantiated. */
    private static final java.io.ObjectInputFilter MODEL_ONLY = java.io.ObjectInputFilter.Config.createFilter(
            "maxdepth=4;maxrefs=64;maxarray=100000000;de.bwaldvogel.liblinear.Model;de.bwaldvogel.liblinear.SolverType;java.lang.Enum;!*");

    private static int indexOfCode(String code) throws IOException {
        for (Lang lang : Lang.values()) if (lang.code().equals(code)) return lang.ordinal();
        throw new IOException("unknown language");
    }

    private static int boundedCount(int n) throws IOException {
        if (n < 0 || n > 100_000_000) throw new IOException("bad count");
        return n;
    }

    private LangModel train(Lang lang, Map<String, List<String>> byClass) {
        Map<String, Integer> dictionary = new HashMap<>();
        List<Feature[]> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        String[] classOfLabel = byClass.keySet().toArray(String[]::new);
        for (int label = 0; label < classOfLabel.length; label++) {
            for (String text : byClass.get(classOfLabel[label])) {
                Map<Integer, Double> counts = new HashMap<>();
                for (String f : features.of(text, lang)) {
                    counts.merge(dictionary.computeIfAbsent(f, k -> dictionary.size() + 1), 1.0, Double::sum);
                }
                xs.add(vector(counts));
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
        return new LangModel(model, Map.copyOf(dictionary), classOfLabel);
    }

    /** Every class with its probability, most probable first; empty when the language has no model. */
    public List<Retriever.Match> classify(String text, Lang lang) {
        LangModel m = models.get(lang);
        if (m == null) return List.of();
        Map<Integer, Double> counts = new HashMap<>();
        for (String f : features.of(text, lang)) {
            Integer index = m.dictionary().get(f);
            if (index != null) counts.merge(index, 1.0, Double::sum);
        }
        Feature[] x = withBias(vector(counts), m.model().getNrFeature() + 1);
        double[] p = new double[m.model().getNrClass()];
        Linear.predictProbability(m.model(), x, p);
        int[] labels = m.model().getLabels();
        List<Retriever.Match> out = new ArrayList<>(p.length);
        for (int i = 0; i < p.length; i++) out.add(new Retriever.Match(m.classOfLabel()[labels[i]], p[i]));
        out.sort((a, b) -> Double.compare(b.score(), a.score()));
        return out;
    }

    /** Square-rooted counts scaled to unit length, indexes ascending (as LIBLINEAR needs). */
    private static Feature[] vector(Map<Integer, Double> counts) {
        int[] idx = counts.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
        double norm = 0;
        for (int i : idx) norm += counts.get(i);
        norm = Math.sqrt(Math.max(norm, 1e-9));
        Feature[] out = new Feature[idx.length];
        for (int k = 0; k < idx.length; k++) out[k] = new FeatureNode(idx[k], Math.sqrt(counts.get(idx[k])) / norm);
        return out;
    }

    private static Feature[] withBias(Feature[] x, int biasIndex) {
        Feature[] out = Arrays.copyOf(x, x.length + 1);
        out[x.length] = new FeatureNode(biasIndex, 1.0);
        return out;
    }
}
