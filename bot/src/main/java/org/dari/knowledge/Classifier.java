package org.dari.knowledge;

import de.bwaldvogel.liblinear.Feature;
import de.bwaldvogel.liblinear.FeatureNode;
import de.bwaldvogel.liblinear.Linear;
import de.bwaldvogel.liblinear.Model;
import de.bwaldvogel.liblinear.Parameter;
import de.bwaldvogel.liblinear.Problem;
import de.bwaldvogel.liblinear.SolverType;

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
    }

    public Classifier(Examples examples, Map<Lang, Synonyms> synonyms) {
        this.features = new TextFeatures(synonyms);
        Linear.disableDebugOutput();
        // the languages train side by side
        models.putAll(examples.byLang.entrySet().parallelStream().filter(e -> e.getValue().size() >= 2)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> train(e.getKey(), e.getValue()))));
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
        Model model = Linear.train(problem, new Parameter(SolverType.L2R_LR, COST, 0.1));
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
