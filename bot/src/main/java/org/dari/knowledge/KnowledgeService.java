package org.dari.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dari.log.SafeLog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The knowledge base as the bot serves it: loaded from {@code seeds/}, searched
 * with the word lists in {@code i18n/}, and reloaded when the files change. An
 * invalid change is refused (the administrator is told why) and the previous
 * content keeps serving.
 */
public final class KnowledgeService implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(KnowledgeService.class);

    /** Where the knowledge files are. */
    public record Paths(Path seeds, Path i18n) {
        public Path synonyms(Lang lang) {
            return i18n.resolve("synonyms-" + lang.code() + ".txt");
        }

        public Path userDictionary() {
            return i18n.resolve("nori-userdict-ko.txt");
        }

        public Path menuPhrases() {
            return i18n.resolve("menu-phrases.txt");
        }

        public Path outOfScope() {
            return i18n.resolve("out-of-scope.txt");
        }

        public Path offTopic() {
            return i18n.resolve("off-topic.yaml");
        }

        public Path phrasings() {
            return seeds.resolve(Phrasings.FOLDER);
        }

        public Path priorityRoutes() {
            return i18n.resolve("priority-routes.yaml");
        }
    }

    /** One consistent generation of content and the search built on it. */
    public record Snapshot(KnowledgeBase kb, Answerer answerer, Retriever retriever, long fingerprint) {
    }

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final Paths paths;
    private final Clock clock;
    private final Thresholds thresholds;
    private final Retriever.Weights weights;
    private final Consumer<String> adminNotices;
    private final AtomicReference<Snapshot> current = new AtomicReference<>();
    private final boolean trainInBackground;
    private final ClassifierCache cache;
    private final AtomicReference<java.util.concurrent.CompletableFuture<?>> training =
            new AtomicReference<>(java.util.concurrent.CompletableFuture.completedFuture(null));

    /** Loads the content; throws {@link InvalidKnowledgeException} when it is not valid. */
    public KnowledgeService(Paths paths, Clock clock, Thresholds thresholds, Retriever.Weights weights,
                            Consumer<String> adminNotices) {
        this(paths, clock, thresholds, weights, adminNotices, false);
    }

    /**
     * @param trainInBackground when true, the bot serves Lucene alone (with {@link Thresholds#luceneOnly()})
     *                          from the first moment and blends the classifier in once it has trained, so a
     *                          person is answered within the start-up target; evaluations train first
     */
    public KnowledgeService(Paths paths, Clock clock, Thresholds thresholds, Retriever.Weights weights,
                            Consumer<String> adminNotices, boolean trainInBackground) {
        this(paths, clock, thresholds, weights, adminNotices, trainInBackground, ClassifierCache.none());
    }

    /**
     * @param cache where a trained classifier is kept between starts; with a usable one, the first
     *              answer already blends it in
     */
    public KnowledgeService(Paths paths, Clock clock, Thresholds thresholds, Retriever.Weights weights,
                            Consumer<String> adminNotices, boolean trainInBackground, ClassifierCache cache) {
        this.paths = paths;
        this.cache = cache;
        this.clock = clock;
        this.thresholds = thresholds;
        this.weights = weights;
        this.adminNotices = adminNotices;
        this.trainInBackground = trainInBackground;
        current.set(build(fingerprint()));
    }

    /** Waits until the classifier of the serving content has trained (at once when there is none to wait for). */
    public boolean awaitClassifier(long timeout, java.util.concurrent.TimeUnit unit) throws InterruptedException {
        try {
            training.get().get(timeout, unit);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return true;
        }
    }

    public Snapshot snapshot() {
        return current.get();
    }

    public Decision decide(String question, Lang lang) {
        return current.get().answerer().decide(question, lang);
    }

    /**
     * Reloads if any file changed since the last load. Returns true when new
     * content is now serving.
     */
    public boolean reloadIfChanged() {
        long fp = fingerprint();
        Snapshot old = current.get();
        if (fp == old.fingerprint()) return false;
        try {
            Snapshot fresh = build(fp);
            // the old index is not closed: a worker may still be searching it; it is heap memory and the GC frees it
            current.set(fresh);
            LOG.info("knowledge.reloaded", "entries", fresh.kb().size());
            return true;
        } catch (InvalidKnowledgeException e) {
            // remember the fingerprint so the same broken files are reported once
            current.set(new Snapshot(old.kb(), old.answerer(), old.retriever(), fp));
            LOG.warn("knowledge.reload_refused", "errors", e.issues().size());
            adminNotices.accept("knowledge base change refused; still serving the previous content:");
            e.issues().forEach(i -> adminNotices.accept("  " + i));
            return false;
        }
    }

    private Snapshot build(long fingerprint) {
        SeedLoader.Result result = new SeedLoader(clock).load(paths.seeds());
        if (!result.valid()) throw new InvalidKnowledgeException(result.errors());
        KnowledgeBase kb = result.knowledgeBase();
        Phrasings phrasings = Phrasings.load(paths.phrasings());
        List<ValidationIssue> phrasingErrors = phrasings.validate(kb.entries().stream().map(Entry::id)
                .collect(java.util.stream.Collectors.toSet())).stream()
                .filter(i -> i.severity() == ValidationIssue.Severity.ERROR).toList();
        if (!phrasingErrors.isEmpty()) throw new InvalidKnowledgeException(phrasingErrors);
        try {
            Map<Lang, Synonyms> synonyms = new EnumMap<>(Lang.class);
            for (Lang lang : Lang.values()) {
                Path f = paths.synonyms(lang);
                synonyms.put(lang, Files.exists(f) ? Synonyms.load(f) : Synonyms.empty());
            }
            Map<String, Map<Lang, List<String>>> offTopic = offTopic();
            Classifier.Examples examples = weights.classifier() > 0 ? trainingExamples(kb, offTopic, phrasings) : null;
            String cacheKey = examples == null ? null : cache.key(examples, synonyms);
            java.util.concurrent.CompletableFuture<Classifier> training;
            if (examples == null) {
                training = java.util.concurrent.CompletableFuture.completedFuture(null);
            } else if (trainInBackground) {
                // a cached classifier is read on the other core while the index builds
                training = java.util.concurrent.CompletableFuture.supplyAsync(() -> cache.load(cacheKey, synonyms).orElse(null));
            } else {
                Classifier cached = cache.load(cacheKey, synonyms).orElse(null);
                // else the classifier trains on another core while the Korean dictionary loads
                training = cached != null ? java.util.concurrent.CompletableFuture.completedFuture(cached)
                        : java.util.concurrent.CompletableFuture.supplyAsync(() -> trainAndKeep(examples, synonyms, cacheKey, true));
            }
            TextAnalyzers analyzers = new TextAnalyzers(TextAnalyzers.loadUserDictionary(paths.userDictionary()));
            Map<String, PhraseList> routes = priorityRoutes(kb);
            PhraseList menu = PhraseList.load(paths.menuPhrases());
            PhraseList outOfScope = PhraseList.load(paths.outOfScope());
            if (trainInBackground && examples != null) {
                Retriever luceneOnly = new Retriever(kb, offTopic, null, analyzers, synonyms, weights);
                Classifier cached = training.join();
                if (cached != null) {
                    this.training.set(java.util.concurrent.CompletableFuture.completedFuture(null));
                    Retriever blended = luceneOnly.withClassifier(cached);
                    return new Snapshot(kb, new Answerer(blended, thresholds, menu, outOfScope, routes), blended, fingerprint);
                }
                Snapshot first = new Snapshot(kb, new Answerer(luceneOnly, Thresholds.luceneOnly(), menu, outOfScope, routes),
                        luceneOnly, fingerprint);
                current.set(first); // before the classifier can finish and look for it
                // one thread, started once the index is built: the start keeps the other core until the first answer
                this.training.set(java.util.concurrent.CompletableFuture.supplyAsync(() -> trainAndKeep(examples, synonyms, cacheKey, false),
                        KnowledgeService::backgroundThread).thenAccept(classifier -> {
                    Retriever blended = luceneOnly.withClassifier(classifier);
                    Snapshot full = new Snapshot(kb, new Answerer(blended, thresholds, menu, outOfScope, routes), blended, fingerprint);
                    // only if this content is still the one serving: a newer reload wins
                    if (current.compareAndSet(first, full)) LOG.info("knowledge.classifier_ready");
                }).exceptionally(e -> {
                    LOG.warn("knowledge.classifier_failed", "error", e.getClass().getSimpleName());
                    return null;
                }));
                return first;
            }
            Retriever retriever = new Retriever(kb, offTopic, training.join(), analyzers, synonyms, weights);
            Answerer answerer = new Answerer(retriever, thresholds, menu, outOfScope, routes);
            return new Snapshot(kb, answerer, retriever, fingerprint);
        } catch (IOException | RuntimeException e) {
            throw new InvalidKnowledgeException(List.of(new ValidationIssue(ValidationIssue.Severity.ERROR,
                    paths.i18n().toString(), "", "word lists could not be loaded (" + e.getClass().getSimpleName() + ")")));
        }
    }

    private Classifier trainAndKeep(Classifier.Examples examples, Map<Lang, Synonyms> synonyms, String cacheKey, boolean parallel) {
        Classifier classifier = new Classifier(examples, synonyms, parallel);
        cache.store(cacheKey, classifier);
        return classifier;
    }

    private static void backgroundThread(Runnable task) {
        Thread t = new Thread(task, "dari-classifier");
        t.setDaemon(true);
        t.start();
    }

    /** Every way of asking the content holds, by the id it should reach. */
    static Classifier.Examples trainingExamples(KnowledgeBase kb, Map<String, Map<Lang, List<String>>> offTopic, Phrasings phrasings) {
        Classifier.Examples examples = new Classifier.Examples();
        for (Lang lang : Lang.values()) {
            for (Entry entry : kb.entries()) {
                Entry.Text t = entry.text(lang);
                if (t == null) continue;
                examples.add(lang, entry.id(), t.title()).addAll(lang, entry.id(), t.examples()).addAll(lang, entry.id(), t.keywords())
                        .addAll(lang, entry.id(), phrasings.of(entry.id(), lang));
            }
            offTopic.forEach((kind, byLang) -> examples.addAll(lang, Retriever.OFF_TOPIC_PREFIX + kind, byLang.getOrDefault(lang, List.of())));
            examples.addAll(lang, Retriever.OFF_TOPIC_PREFIX + Phrasings.NONE, phrasings.of(Phrasings.NONE, lang));
            examples.addAll(lang, Retriever.MENU_ID, phrasings.of(Phrasings.MENU, lang));
        }
        return examples;
    }

    private Map<String, Map<Lang, List<String>>> offTopic() throws IOException {
        Map<String, Map<Lang, List<String>>> out = new java.util.LinkedHashMap<>();
        if (!Files.exists(paths.offTopic())) return out;
        JsonNode root = YAML.readTree(paths.offTopic().toFile());
        root.fields().forEachRemaining(kind -> {
            Map<Lang, List<String>> byLang = new EnumMap<>(Lang.class);
            for (Lang lang : Lang.values()) byLang.put(lang, strings(kind.getValue().get(lang.code())));
            out.put(kind.getKey(), byLang);
        });
        return out;
    }

    private Map<String, PhraseList> priorityRoutes(KnowledgeBase kb) throws IOException {
        Map<String, PhraseList> out = new java.util.LinkedHashMap<>();
        if (!Files.exists(paths.priorityRoutes())) return out;
        JsonNode root = YAML.readTree(paths.priorityRoutes().toFile());
        var it = root.fields();
        while (it.hasNext()) {
            var route = it.next();
            if (kb.entry(route.getKey()).isEmpty()) {
                throw new IOException("priority-routes.yaml names no entry '" + route.getKey() + "'");
            }
            out.put(route.getKey(), PhraseList.ofPatterns(strings(route.getValue())));
        }
        return out;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new java.util.ArrayList<>();
        if (node != null && node.isArray()) node.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** Changes when any seed or word-list file is added, removed, resized or touched. */
    private long fingerprint() {
        long fp = 17;
        for (Path dir : List.of(paths.seeds(), paths.i18n(), paths.phrasings())) {
            if (!Files.isDirectory(dir)) continue;
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.sorted().toList()) {
                    fp = fp * 31 + f.getFileName().toString().hashCode();
                    fp = fp * 31 + Files.size(f);
                    fp = fp * 31 + Files.getLastModifiedTime(f).toMillis();
                }
            } catch (IOException e) {
                fp = fp * 31 + 1;
            } catch (UncheckedIOException e) {
                fp = fp * 31 + 2;
            }
        }
        return fp;
    }

    @Override
    public void close() {
        current.get().retriever().close();
    }

    /** The content on disk is not valid; carries every error found. */
    public static final class InvalidKnowledgeException extends RuntimeException {
        private final List<ValidationIssue> issues;

        public InvalidKnowledgeException(List<ValidationIssue> issues) {
            super("knowledge base is not valid: " + issues.size() + " error(s)", null, false, false);
            this.issues = List.copyOf(issues);
        }

        public List<ValidationIssue> issues() {
            return issues;
        }
    }
}
