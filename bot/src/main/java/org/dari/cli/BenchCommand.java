package org.dari.cli;

import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.referral.Caseworker;
import org.dari.referral.OrganisationRegistry;
import org.dari.transport.InboundMessage;
import org.dari.transport.MemoryTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * {@code dari bench}: the whole bot in one process (journal and outbox on a real SQLite file,
 * sealing, the bundled knowledge base and demo organisation) behind an in-memory transport, fed
 * by many simulated people. Prints throughput, latency, retrieval time, start time and heap; the
 * last line is a {@code key=value} summary.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = {"Measure the bot: the real pipeline and encrypted SQLite journal behind an in-memory transport.",
                "Uses a temporary folder (deleted at the end); never touches the data folder or Signal."})
final class BenchCommand implements Callable<Integer> {
    @Option(names = "--people", paramLabel = "N", description = "People writing at the same time (default: ${DEFAULT-VALUE}).")
    int people = 2_000;

    @Option(names = "--messages", paramLabel = "N", description = "Messages in each load phase (default: ${DEFAULT-VALUE}).")
    int messages = 20_000;

    @Option(names = "--duration", paramLabel = "SECONDS", description = "Longest time for each load phase (default: ${DEFAULT-VALUE}).")
    int duration = 60;

    @Option(names = "--rate", paramLabel = "PER_SECOND", description = "Steady rate of the latency phase (default: ${DEFAULT-VALUE}).")
    int rate = 2_000;

    @Option(names = "--sessions", paramLabel = "N", description = "Sessions to hold when measuring the heap (default: ${DEFAULT-VALUE}).")
    int sessions = 10_000;

    @Option(names = "--only", paramLabel = "PHASE", description = "Measure one phase alone: retrieval (start and retrieval decision only).")
    String only;

    @Option(names = "--seed", paramLabel = "N", description = "Seed for the simulated people (default: ${DEFAULT-VALUE}).")
    long seed = 12;

    /** About one person in this many completes a request for help (sealed to the demo organisation). */
    private static final int REFERRAL_EVERY = 40;
    private static final int RETRIEVAL_WARMUP = 3_000;
    private static final int RETRIEVAL_SAMPLES = 10_000;

    @Override
    public Integer call() throws Exception {
        if (only != null && !only.equals("retrieval")) throw new Main.UsageException("--only takes: retrieval");
        if (people < 1 || messages < 1 || duration < 1 || rate < 1 || sessions < 0) {
            throw new Main.UsageException("--people, --messages, --duration and --rate must be positive");
        }
        return run(Home.locate(), Streams.stdout(), Streams.stderr());
    }

    int run(Home home, PrintStream out, PrintStream err) throws Exception {
        long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
        Path dir = Files.createTempDirectory("dari-bench-", PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Progress progress = new Progress(err);
        try {
            Config config = benchConfig(Config.defaults().withDataDir(dir.resolve("data").toString()));
            // both made beside the store's opening, as the console does
            Aside<OrganisationRegistry> registry = Registries.loadAside(config, home, err);
            Aside<KnowledgeService> knowledge = Bot.openKnowledgeAside(config, home, Clock.systemUTC(), err);
            Set<String> caseworkers = java.util.concurrent.ConcurrentHashMap.newKeySet();
            LongAdder toCaseworkers = new LongAdder();
            AtomicLong firstSend = new AtomicLong();
            // a reply that says "something went wrong, send again": in this mix, always a fault to look into
            org.dari.conversation.Messages texts = org.dari.conversation.Messages.load(home.resolve("i18n"));
            Set<String> tryAgain = Set.of(texts.get(Lang.KO, "try_again"), texts.get(Lang.EN, "try_again"));
            LongAdder failed = new LongAdder();
            MemoryTransport transport = new MemoryTransport(m -> {
                firstSend.compareAndSet(0, System.currentTimeMillis());
                if (caseworkers.contains(m.recipient())) toCaseworkers.increment();
                if (tryAgain.contains(m.text())) failed.increment();
            });
            AtomicReference<Recorder> current = new AtomicReference<>(new Recorder(1));
            java.util.concurrent.ConcurrentHashMap<Long, Long> arrivals = new java.util.concurrent.ConcurrentHashMap<>();
            try (LocalState state = LocalState.open(config, Clock.systemUTC());
                 Bot bot = new Bot(config, home, transport, state, registry, knowledge, Clock.systemUTC(), err,
                         (message, acceptedNanos) -> {
                             // from its arrival at the transport (queue included) when it came through arrive()
                             Long arrived = arrivals.remove(message.timestamp());
                             current.get().record(System.nanoTime() - (arrived != null ? arrived : acceptedNanos));
                         })) {
                registry.get().organisations().stream().flatMap(o -> o.caseworkers().stream()).map(Caseworker::account)
                        .forEach(caseworkers::add);
                bot.start();
                progress.start();

                // start to first answer: one question, timed from the JVM's start to the reply on the transport
                Recorder first = new Recorder(1);
                current.set(first);
                transport.deliver(new InboundMessage(UUID.randomUUID().toString(), BenchMix.KOREAN_QUESTIONS.get(0),
                        System.currentTimeMillis(), false));
                while (firstSend.get() == 0) Thread.sleep(1);
                double startSeconds = (firstSend.get() - jvmStart) / 1000.0;
                // the first answer may come from Lucene alone; everything after is measured with the classifier in
                if (!bot.knowledge().awaitClassifier(60, java.util.concurrent.TimeUnit.SECONDS)) {
                    err.println("bench: the classifier did not finish training in 60 s");
                }
                double classifierSeconds = (System.currentTimeMillis() - jvmStart) / 1000.0;

                Recorder retrievalCpu = new Recorder(RETRIEVAL_SAMPLES);
                Stats retrieval = retrieval(bot.knowledge(), progress, retrievalCpu);
                if ("retrieval".equals(only)) {
                    progress.stop();
                    out.printf(Locale.ROOT, "start to first answer        %.2f s (from JVM start, signing key created on this first run)%n", startSeconds);
                    out.printf(Locale.ROOT, "retrieval decision           p50 %.3f ms  p99 %.3f ms  mean %.3f ms (%d questions, warmed up, one thread)%n",
                            retrieval.p50(), retrieval.p99(), retrieval.mean(), BenchMix.questions().size());
                    Stats cpu = retrievalCpu.stats();
                    // thread CPU time leaves out waiting for a core: steadier than wall time on a busy machine
                    out.printf(Locale.ROOT, "retrieval decision CPU time  p50 %.3f ms  p99 %.3f ms  mean %.3f ms (this thread's CPU only)%n",
                            cpu.p50(), cpu.p99(), cpu.mean());
                    out.printf(Locale.ROOT, "retrieval_p50_ms=%.3f retrieval_p99_ms=%.3f retrieval_cpu_p50_ms=%.3f retrieval_cpu_p99_ms=%.3f start_s=%.2f%n",
                            retrieval.p50(), retrieval.p99(), cpu.p50(), cpu.p99(), startSeconds);
                    return 0;
                }

                Load load = new Load(transport, new Random(seed), current, arrivals);
                // the heap with this many people's sessions, each having asked one question, before
                // the warm-up adds tens of thousands more (sessions last while people are active)
                load.run("sessions", sessions, sessions, 0, Math.max(duration, 120), progress);
                bot.pipeline().awaitQuiet(120, TimeUnit.SECONDS);
                long heapSessions = heapAfterGc();
                int sessionPeople = load.peopleSeen();

                // warm-up: rounds until the JIT compiler is nearly idle, so that the phases measure the
                // bot as it runs for hours, not the compiler finishing its work (which took half a core
                // through the throughput phase after a single round of 5,000)
                WarmUp warmUp = warmUp(load, bot, progress);
                boolean warmedUp = warmUp.quiet();
                long cpuBefore = processCpuNanos();
                java.util.Map<String, Long> threadCpuBefore = threadCpuNanos();
                long jitBefore = compilingMillis();
                long allocatedBefore = allocatedBytes();
                long gcBefore = collectingMillis();
                long commitsBefore = state.commits();
                long referralsBefore = toCaseworkers.sum();
                Recorder saturated = load.run("throughput", messages, people, 0, duration, progress);
                double answeredPerSecond = saturated.count() / saturated.seconds();
                // sustained means sent too: the phase ends when every reply has been handed to the transport
                progress.phase("sending", 0);
                boolean sentAll = bot.pipeline().awaitQuiet(120, TimeUnit.SECONDS);
                double sustainedSeconds = (System.nanoTime() - saturated.start) / 1e9;
                long cpuUsed = processCpuNanos() - cpuBefore;
                String cpuByThread = cpuByThread(threadCpuBefore, threadCpuNanos(), cpuUsed, saturated.count())
                        + String.format(Locale.ROOT, " (of which compiling %d ms, collecting %d ms in all); %.0f KB allocated per message",
                        compilingMillis() - jitBefore, collectingMillis() - gcBefore,
                        (allocatedBytes() - allocatedBefore) / 1024.0 / Math.max(1, saturated.count()));
                double commitsPerMessage = (double) (state.commits() - commitsBefore) / Math.max(1, saturated.count());
                long referralSends = toCaseworkers.sum() - referralsBefore;
                Stats sat = saturated.stats();

                long lateBefore = bot.pipeline().journaledLate();
                long collectionsBefore = collections();
                long collectingBefore = collectingMillis();
                Recorder paced = load.run("latency", messages, people, rate, duration, progress);
                Stats lat = paced.stats();
                long pauses = collections() - collectionsBefore;
                double pauseMeanMs = (double) (collectingMillis() - collectingBefore) / Math.max(1, pauses);
                double latePercent = 100.0 * (bot.pipeline().journaledLate() - lateBefore) / Math.max(1, paced.count());

                progress.phase("delivery", 0);
                long drainStart = System.nanoTime();
                boolean drained = bot.pipeline().awaitQuiet(120, TimeUnit.SECONDS);
                double drainSeconds = (System.nanoTime() - drainStart) / 1e9;

                progress.stop();

                double msgsPerSecond = sentAll ? saturated.count() / sustainedSeconds : 0;
                double cpuPerMessageMs = cpuUsed / 1e6 / Math.max(1, saturated.count());
                double overRetrieval = cpuPerMessageMs / Math.max(1e-6, retrieval.mean());
                out.printf(Locale.ROOT, "dari bench: %d cores, Java %s, journal and outbox in SQLite (WAL, synchronous=FULL) on %s%n",
                        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), fileSystem(dir));
                out.printf(Locale.ROOT, "start to first answer        %.2f s (from JVM start, signing key created on this first run)%n", startSeconds);
                out.printf(Locale.ROOT, "warm-up                      %d messages, until the compiler used %.1f %% of a core (under %.0f %% in two rounds, or %d messages at most)%n",
                        warmUp.messages(), 100 * warmUp.compilingShare(), 100 * COMPILER_IDLE, WARMUP_MAX);
                out.printf(Locale.ROOT, "classifier blended in        %.2f s after JVM start (until then Lucene alone answers)%n", classifierSeconds);
                out.printf(Locale.ROOT, "retrieval decision           p50 %.3f ms  p99 %.3f ms  mean %.3f ms (%d questions, warmed up, one thread)%n",
                        retrieval.p50(), retrieval.p99(), retrieval.mean(), BenchMix.questions().size());
                out.printf(Locale.ROOT, "throughput (saturated)       %.0f msgs/s answered and sent: %d messages in %.1f s (answered at %.0f msgs/s),"
                                + " %d referral messages to caseworkers%n",
                        msgsPerSecond, saturated.count(), sustainedSeconds, answeredPerSecond, referralSends);
                out.printf(Locale.ROOT, "  latency while saturated    p50 %.2f ms  p99 %.2f ms  max %.2f ms (includes waiting behind a full queue)%n",
                        sat.p50(), sat.p99(), sat.max());
                out.printf(Locale.ROOT, "latency at %d msgs/s       p50 %.2f ms  p99 %.2f ms  max %.2f ms (accepted → reply queued; %d messages, achieved %.0f msgs/s;"
                                + " %.2f %% journaled, not answered in time)%n",
                        rate, lat.p50(), lat.p99(), lat.max(), paced.count(), paced.count() / paced.seconds(), latePercent);
                out.printf(Locale.ROOT, "  collections meanwhile      %d, pausing %.1f ms on average (every message behind one waits that long)%n",
                        pauses, pauseMeanMs);
                out.printf(Locale.ROOT, "cost of one message          %.3f ms CPU = %.1f × a bare retrieval decision; %.2f SQLite transactions%n",
                        cpuPerMessageMs, overRetrieval, commitsPerMessage);
                out.printf(Locale.ROOT, "  CPU by thread, per message %s%n", cpuByThread);
                out.printf(Locale.ROOT, "outbox drained               %s in %.1f s after the load; %d sends, %d timers set%n",
                        drained ? "yes" : "NO", drainSeconds, transport.sends(), transport.timersSet());
                out.printf(Locale.ROOT, "replies saying 'try again'   %d (any is a fault: nothing in this mix should fail)%n", failed.sum());
                out.printf(Locale.ROOT, "peak heap                    %d MB (sampled while running)%n", progress.peakHeapMb());
                out.printf(Locale.ROOT, "heap with %d sessions       %d MB (after GC, before the warm-up; %d people had written one question each)%n",
                        sessions, heapSessions, sessionPeople);
                out.printf(Locale.ROOT, "msgs_per_s=%.0f p50_ms=%.2f p99_ms=%.2f max_ms=%.2f sat_p99_ms=%.2f retrieval_p50_ms=%.3f"
                                + " retrieval_p99_ms=%.3f start_s=%.2f heap_mb=%d heap_10k_sessions_mb=%d cpu_per_msg_ms=%.3f"
                                + " pipeline_over_retrieval=%.1f commits_per_msg=%.2f answered_per_s=%.0f late_pct=%.2f gc_pause_ms=%.1f warmup_msgs=%d try_again=%d drained=%s%n",
                        msgsPerSecond, lat.p50(), lat.p99(), lat.max(), sat.p99(), retrieval.p50(), retrieval.p99(),
                        startSeconds, progress.peakHeapMb(), heapSessions, cpuPerMessageMs, overRetrieval, commitsPerMessage,
                        answeredPerSecond, latePercent, pauseMeanMs, warmUp.messages(), failed.sum(), drained);
                // a phase whose replies were not all sent in time makes its figures meaningless
                if (!warmedUp || !sentAll) err.println("bench: replies were still waiting after 120 s (warm-up sent: " + warmedUp + ", throughput sent: " + sentAll + ")");
                if (failed.sum() > 0) err.println("bench: " + failed.sum() + " replies said 'try again': see the errors logged above");
                return warmedUp && sentAll && drained && failed.sum() == 0 ? 0 : Main.EXIT_FAILURE;
            }
        } finally {
            progress.stop();
            deleteTree(dir);
        }
    }

    /** How long the warm-up ran, and the share of a core the compiler used in its last round. */
    record WarmUp(int messages, double compilingShare, boolean quiet) {
    }

    private static final int WARMUP_ROUND = 5_000;
    private static final int WARMUP_MAX = 60_000;
    /** The compiler is taken as idle below this share of one core over two rounds in a row. */
    private static final double COMPILER_IDLE = 0.05;

    private WarmUp warmUp(Load load, Bot bot, Progress progress) throws Exception {
        boolean measurable = ManagementFactory.getCompilationMXBean().isCompilationTimeMonitoringSupported();
        int sent = 0;
        double share = 1;
        while (true) {
            long jitBefore = compilingMillis();
            long start = System.nanoTime();
            int round = Math.min(Math.min(WARMUP_ROUND, messages), WARMUP_MAX - sent);
            load.run("warm-up", round, people, 0, duration, progress);
            // the measured phase starts from an empty outbox: the warm-up's replies are not its work
            if (!bot.pipeline().awaitQuiet(120, TimeUnit.SECONDS)) return new WarmUp(sent + round, share, false);
            sent += round;
            if (!measurable) return new WarmUp(sent, Double.NaN, true);
            double last = share;
            share = (compilingMillis() - jitBefore) / ((System.nanoTime() - start) / 1e6);
            // two quiet rounds in a row: with the launcher's late optimising compiler, one quiet round
            // was sometimes followed by seconds of compiling in the measured phases
            if ((share < COMPILER_IDLE && last < COMPILER_IDLE) || sent >= WARMUP_MAX) return new WarmUp(sent, share, true);
        }
    }

    /** The defaults, with rate limits out of the way: the simulated people write faster than people do. */
    static Config benchConfig(Config c) {
        return new Config(c.dataDir(), c.signal(), c.keys(), c.retention(), c.disappearingTimerHours(), c.dispatcher(),
                new Config.RateLimit(1_000_000, 1_000_000), c.knowledge(), c.referral());
    }

    private static Stats retrieval(KnowledgeService knowledge, Progress progress, Recorder cpu) {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        progress.phase("retrieval", RETRIEVAL_SAMPLES);
        List<String> questions = BenchMix.questions();
        int korean = BenchMix.KOREAN_QUESTIONS.size();
        for (int i = 0; i < RETRIEVAL_WARMUP; i++) {
            int q = i % questions.size();
            knowledge.decide(questions.get(q), q < korean ? Lang.KO : Lang.EN);
        }
        Recorder r = new Recorder(RETRIEVAL_SAMPLES);
        for (int i = 0; i < RETRIEVAL_SAMPLES; i++) {
            int q = i % questions.size();
            long c = threads.getCurrentThreadCpuTime();
            long t = System.nanoTime();
            knowledge.decide(questions.get(q), q < korean ? Lang.KO : Lang.EN);
            r.record(System.nanoTime() - t);
            cpu.record(threads.getCurrentThreadCpuTime() - c);
            progress.done.set(i + 1);
        }
        return r.stats();
    }

    /** Simulated people, each writing their script in order; a finished person is replaced by a new one. */
    private static final class Load {
        private final MemoryTransport transport;
        private final Random random;
        private final AtomicInteger seen = new AtomicInteger();
        private final AtomicReference<Recorder> current;
        /** Message timestamp → when it arrived at the transport (nanoTime), for latency from arrival. */
        private final java.util.Map<Long, Long> arrivals;
        private long timestamp = System.currentTimeMillis();

        Load(MemoryTransport transport, Random random, AtomicReference<Recorder> current,
             java.util.Map<Long, Long> arrivals) {
            this.arrivals = arrivals;
            this.transport = transport;
            this.random = random;
            this.current = current;
        }

        /** People who have written at least once. */
        int peopleSeen() {
            return seen.get();
        }

        /** Feeds {@code count} messages (at {@code perSecond}, or as fast as accepted when 0) and waits for their answers. */
        Recorder run(String phase, int count, int concurrent, int perSecond, int maxSeconds, Progress progress)
                throws Exception {
            Recorder recorder = new Recorder(count);
            progress.phase(phase, count);
            progress.recorder = recorder;
            current.set(recorder);
            if (count == 0) return recorder;
            List<Person> active = new ArrayList<>();
            for (int i = 0; i < concurrent; i++) active.add(newPerson(phase));
            long start = System.nanoTime();
            long deadline = start + TimeUnit.SECONDS.toNanos(maxSeconds);
            recorder.begin(start);
            int fed = 0;
            while (fed < count && System.nanoTime() < deadline) {
                if (perSecond > 0) {
                    long due = start + (long) (fed * 1e9 / perSecond);
                    long wait = due - System.nanoTime();
                    if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                }
                int i = random.nextInt(active.size());
                Person p = active.get(i);
                if (p.next == 0) seen.incrementAndGet();
                long ts = ++timestamp;
                arrivals.put(ts, System.nanoTime());
                transport.arrive(new InboundMessage(p.id, p.script.get(p.next++), ts, false));
                if (p.next == p.script.size()) active.set(i, newPerson(phase));
                fed++;
            }
            recorder.expect(fed);
            if (!recorder.await(Math.max(60, maxSeconds), TimeUnit.SECONDS)) {
                throw new IllegalStateException("not every message of the " + phase + " phase was answered in time");
            }
            return recorder;
        }

        private Person newPerson(String phase) {
            List<String> script = phase.equals("sessions")
                    ? List.of(BenchMix.questions().get(random.nextInt(BenchMix.questions().size())))
                    : BenchMix.script(random, REFERRAL_EVERY);
            return new Person(UUID.randomUUID().toString(), script);
        }
    }

    private static final class Person {
        final String id;
        final List<String> script;
        int next;

        Person(String id, List<String> script) {
            this.id = id;
            this.script = script;
        }
    }

    /** Latencies of one phase, in nanoseconds, and when its last answer was queued. */
    private static final class Recorder {
        private final long[] nanos;
        private final AtomicInteger count = new AtomicInteger();
        private final CountDownLatch all = new CountDownLatch(1);
        private volatile int expected = Integer.MAX_VALUE;
        volatile long start;
        private volatile long last;

        Recorder(int capacity) {
            nanos = new long[Math.max(1, capacity)];
        }

        void begin(long startNanos) {
            start = startNanos;
        }

        void record(long n) {
            int i = count.getAndIncrement();
            if (i < nanos.length) nanos[i] = n;
            last = System.nanoTime();
            if (i + 1 >= expected) all.countDown();
        }

        void expect(int n) {
            expected = n;
            if (count.get() >= n) all.countDown();
        }

        boolean await(long timeout, TimeUnit unit) throws InterruptedException {
            return all.await(timeout, unit);
        }

        int count() {
            return Math.min(count.get(), nanos.length);
        }

        double seconds() {
            return Math.max(1e-9, (last - start) / 1e9);
        }

        Stats stats() {
            long[] sorted = Arrays.copyOf(nanos, count());
            Arrays.sort(sorted);
            if (sorted.length == 0) return new Stats(0, 0, 0, 0);
            return new Stats(percentile(sorted, 0.50), percentile(sorted, 0.99), sorted[sorted.length - 1] / 1e6,
                    Arrays.stream(sorted).average().orElse(0) / 1e6);
        }

        private static double percentile(long[] sorted, double p) {
            int i = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
        }
    }

    /** Milliseconds. */
    record Stats(double p50, double p99, double max, double mean) {
    }

    /** The progress line on stderr, once a second; also samples the heap for its peak. */
    private static final class Progress {
        private final PrintStream err;
        private final boolean terminal = System.console() != null;
        private final AtomicInteger done = new AtomicInteger();
        private volatile String phase = "start";
        private volatile int target;
        private volatile Recorder recorder;
        private volatile long peakHeap;
        private Thread thread;

        Progress(PrintStream err) {
            this.err = err;
        }

        void phase(String name, int of) {
            phase = name;
            target = of;
            done.set(0);
            recorder = null;
        }

        void start() {
            thread = new Thread(this::loop, "dari-bench-progress");
            thread.setDaemon(true);
            thread.start();
        }

        private void loop() {
            int tick = 0;
            int lastCount = 0;
            try {
                while (!Thread.currentThread().isInterrupted()) {
                    Thread.sleep(100);
                    peakHeap = Math.max(peakHeap, heapUsed());
                    if (++tick % 10 != 0) continue;
                    Recorder r = recorder;
                    int n = r != null ? r.count.get() : done.get();
                    int perSecond = Math.max(0, n - lastCount);
                    lastCount = n;
                    err.printf(Locale.ROOT, "%sbench: %-10s %7d / %-7d %6d/s  heap %4d MB%s", terminal ? "\r" : "", phase, n,
                            target, perSecond, heapUsed() >> 20, terminal ? "   " : "\n");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        long peakHeapMb() {
            return Math.max(peakHeap, heapUsed()) >> 20;
        }

        void stop() {
            if (thread == null) return;
            thread.interrupt();
            try {
                thread.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
            if (terminal) err.println();
        }
    }

    private static long heapUsed() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long heapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        return heapUsed() >> 20;
    }

    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return 0;
    }

    /** Time the JIT compiler has spent so far, in ms (0 where the JVM does not count it). */
    private static long compilingMillis() {
        java.lang.management.CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        return jit != null && jit.isCompilationTimeMonitoringSupported() ? jit.getTotalCompilationTime() : 0;
    }

    /** Collections so far, by every collector. */
    private static long collections() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionCount())).sum();
    }

    /** Time the garbage collectors have spent so far, in ms. */
    private static long collectingMillis() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream().mapToLong(g -> Math.max(0, g.getCollectionTime())).sum();
    }

    /** Bytes allocated so far by the live Java threads (0 where the JVM does not count them). */
    private static long allocatedBytes() {
        if (!(ManagementFactory.getThreadMXBean() instanceof com.sun.management.ThreadMXBean threads)) return 0;
        long sum = 0;
        for (long bytes : threads.getThreadAllocatedBytes(threads.getAllThreadIds())) if (bytes > 0) sum += bytes;
        return sum;
    }

    /** CPU time so far of each live Java thread, summed by name without its trailing number. */
    private static java.util.Map<String, Long> threadCpuNanos() {
        java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        java.util.Map<String, Long> byName = new java.util.TreeMap<>();
        for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            if (info == null) continue;
            long cpu = threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) byName.merge(info.getThreadName().replaceAll("[-0-9]+$", ""), cpu, Long::sum);
        }
        return byName;
    }

    /**
     * Where the process's CPU went during a phase, in ms per message: each group of Java threads, and
     * the rest (garbage collection, the compiler, threads that ended during the phase).
     */
    private static String cpuByThread(java.util.Map<String, Long> before, java.util.Map<String, Long> after, long processNanos, int messages) {
        StringBuilder out = new StringBuilder();
        long javaThreads = 0;
        List<java.util.Map.Entry<String, Long>> used = new ArrayList<>();
        for (var e : after.entrySet()) {
            long d = e.getValue() - before.getOrDefault(e.getKey(), 0L);
            if (d <= 0) continue;
            javaThreads += d;
            used.add(java.util.Map.entry(e.getKey(), d));
        }
        used.sort(java.util.Map.Entry.<String, Long>comparingByValue().reversed());
        double per = 1e6 * Math.max(1, messages);
        for (var e : used) {
            if (e.getValue() / per < 0.005) continue;
            out.append(String.format(Locale.ROOT, "%s %.3f, ", e.getKey(), e.getValue() / per));
        }
        out.append(String.format(Locale.ROOT, "outside Java threads %.3f ms", Math.max(0, processNanos - javaThreads) / per));
        return out.toString();
    }

    private static String fileSystem(Path dir) {
        try {
            return Files.getFileStore(dir).type() + " (" + dir.getParent() + ")";
        } catch (IOException e) {
            return String.valueOf(dir.getParent());
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            // a temporary folder: the system cleans it up if we cannot
        }
    }
}
