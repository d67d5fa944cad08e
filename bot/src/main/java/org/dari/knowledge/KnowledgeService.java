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
import java.util.concurrent.CompletableFuture;
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
    private final KnowledgeCache cache;
    private final AtomicReference<CompletableFuture<?>> training =
            new AtomicReference<>(CompletableFuture.completedFuture(null));

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
        this(paths, clock, thresholds, weights, adminNotices, trainInBackground, KnowledgeCache.none());
    }

    /**
     * @param cache where a trained classifier is kept between starts; with a usable one, the first
     *              answer already blends it in
     */
    public KnowledgeService(Paths paths, Clock clock, Thresholds thresholds, Retriever.Weights weights,
                            Consumer<String> adminNotices, boolean trainInBackground, KnowledgeCache cache) {
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
        // What the cache may hold is read, and Nori's dictionaries loaded, on their own threads while
        // the content is parsed here: the key names the files themselves, so nothing waits for parsing.
        String key = cache.key(paths.seeds(), paths.i18n());
        CompletableFuture<TextAnalyzers> analyzers = aside("dari-analyzers", this::analyzers);
        CompletableFuture<LexicalIndex> cachedIndex = aside("dari-index-cache", () -> cache.loadIndex(key).orElse(null));
        Map<Lang, Synonyms> synonyms;
        try {
            synonyms = synonyms();
        } catch (IOException | RuntimeException e) {
            throw wordListsUnreadable(e);
        }
        CompletableFuture<Classifier> cachedClassifier = weights.classifier() <= 0 ? CompletableFuture.completedFuture(null)
                : aside("dari-classifier-cache", () -> cache.loadClassifier(key, synonyms).orElse(null));
        SeedLoader.Result result = new SeedLoader(clock).load(paths.seeds());
        if (!result.valid()) throw new InvalidKnowledgeException(result.errors());
        KnowledgeBase kb = result.knowledgeBase();
        Phrasings phrasings = Phrasings.load(paths.phrasings());
        List<ValidationIssue> phrasingErrors = phrasings.validate(kb.entries().stream().map(Entry::id)
                .collect(java.util.stream.Collectors.toSet())).stream()
                .filter(i -> i.severity() == ValidationIssue.Severity.ERROR).toList();
        if (!phrasingErrors.isEmpty()) throw new InvalidKnowledgeException(phrasingErrors);
        try {
            Map<String, Map<Lang, List<String>>> offTopic = offTopic();
            Map<String, PhraseList> routes = priorityRoutes(kb);
            PhraseList menu = PhraseList.load(paths.menuPhrases());
            PhraseList outOfScope = PhraseList.load(paths.outOfScope());
            KeepKey keepKey = new KeepKey(key, cache, paths);
            Classifier.Examples examples = weights.classifier() > 0 ? trainingExamples(kb, offTopic, phrasings) : null;
            Classifier cached = examples == null || trainInBackground ? null : cachedClassifier.join();
            // without a cached classifier, evaluations train it on the other core while the index builds
            CompletableFuture<Classifier> training = examples == null || trainInBackground || cached != null
                    ? CompletableFuture.completedFuture(cached)
                    : CompletableFuture.supplyAsync(() -> trainAndKeep(examples, synonyms, keepKey.get(), true));
            Retriever.Corpus corpus = Retriever.corpus(kb, offTopic);
            LexicalIndex index = cachedIndex.join();
            if (index == null || index.maxDoc() != corpus.size()) {
                index = corpus.index(analyzers.join());
                cache.storeIndex(keepKey.get(), index);
            }
            if (trainInBackground && examples != null) {
                Retriever luceneOnly = new Retriever(kb, offTopic, null, analyzers.join(), synonyms, weights, corpus, index);
                Classifier kept = cachedClassifier.join();
                if (kept != null) {
                    this.training.set(CompletableFuture.completedFuture(null));
                    Retriever blended = luceneOnly.withClassifier(kept);
                    return new Snapshot(kb, new Answerer(blended, thresholds, menu, outOfScope, routes), blended, fingerprint);
                }
                Snapshot first = new Snapshot(kb, new Answerer(luceneOnly, Thresholds.luceneOnly(), menu, outOfScope, routes),
                        luceneOnly, fingerprint);
                current.set(first); // before the classifier can finish and look for it
                // one thread, started once the index is built: the start keeps the other core until the first answer
                this.training.set(aside("dari-classifier", () -> trainAndKeep(examples, synonyms, keepKey.get(), false)).thenAccept(classifier -> {
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
            Retriever retriever = new Retriever(kb, offTopic, training.join(), analyzers.join(), synonyms, weights, corpus, index);
            Answerer answerer = new Answerer(retriever, thresholds, menu, outOfScope, routes);
            return new Snapshot(kb, answerer, retriever, fingerprint);
        } catch (IOException | RuntimeException e) {
            throw wordListsUnreadable(e);
        }
    }

    /**
     * The key to keep what a build makes under: the key the build started with, but only if the files
     * still hash to it (an edit made during the build is never kept under the old key). Hashed again
     * once, and only when something is to be kept; the index build and the classifier's training may
     * both ask.
     */
    private static final class KeepKey {
        private final String key;
        private final KnowledgeCache cache;
        private final Paths paths;
        private String checked;
        private boolean done;

        KeepKey(String key, KnowledgeCache cache, Paths paths) {
            this.key = key;
            this.cache = cache;
            this.paths = paths;
        }

        synchronized String get() {
            if (!done) {
                checked = key != null && key.equals(cache.key(paths.seeds(), paths.i18n())) ? key : null;
                done = true;
            }
            return checked;
        }
    }

    private InvalidKnowledgeException wordListsUnreadable(Exception e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        return new InvalidKnowledgeException(List.of(new ValidationIssue(ValidationIssue.Severity.ERROR,
                paths.i18n().toString(), "", "word lists could not be loaded (" + cause.getClass().getSimpleName() + ")")));
    }

    private Map<Lang, Synonyms> synonyms() throws IOException {
        Map<Lang, Synonyms> synonyms = new EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            Path f = paths.synonyms(lang);
            synonyms.put(lang, Files.exists(f) ? Synonyms.load(f) : Synonyms.empty());
        }
        return synonyms;
    }

    /** Runs {@code work} on a thread of its own (the common pool has a single thread on two cores). */
    private static <T> CompletableFuture<T> aside(String threadName, java.util.function.Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, task -> startThread(task, threadName));
    }

    private Classifier trainAndKeep(Classifier.Examples examples, Map<Lang, Synonyms> synonyms, String cacheKey, boolean parallel) {
        Classifier classifier = new Classifier(examples, synonyms, parallel);
        cache.storeClassifier(cacheKey, classifier);
        return classifier;
    }

    /**
     * The analyzers with Nori's dictionaries loaded (the first analysis loads them), so neither the
     * index build nor the first question waits for that.
     */
    private TextAnalyzers analyzers() {
        try {
            TextAnalyzers analyzers = new TextAnalyzers(TextAnalyzers.loadUserDictionary(paths.userDictionary()));
            analyzers.terms(TextAnalyzers.KO_WORD, "북한");
            return analyzers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void startThread(Runnable task, String name) {
        Thread t = new Thread(task, name);
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
