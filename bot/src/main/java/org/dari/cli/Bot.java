package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dari.conversation.CommandWords;
import org.dari.conversation.Conversation;
import org.dari.conversation.Delivery;
import org.dari.conversation.Dispatcher;
import org.dari.conversation.Exchanges;
import org.dari.conversation.Referrals;
import org.dari.conversation.ServiceTitles;
import org.dari.knowledge.UrgentAnswers;
import org.dari.referral.Caseworker;
import org.dari.referral.OrganisationRegistry;
import org.dari.referral.ReferralCode;
import org.dari.referral.ReferralSealer;
import org.dari.safety.Redactor;
import org.dari.safety.UrgentDetector;
import org.dari.store.ReferralLinks;
import org.dari.transport.OutboundMessage;
import java.nio.charset.StandardCharsets;
import org.dari.conversation.MessageStore;
import org.dari.conversation.Messages;
import org.dari.conversation.Pipeline;
import org.dari.conversation.Sessions;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.log.SafeLog;
import org.dari.safety.RateLimiter;
import org.dari.transport.Transport;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** Assembles the bot from its parts and runs it on one transport. */
public final class Bot implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Bot.class);

    private final Transport transport;
    private final KnowledgeService knowledge;
    private final Dispatcher dispatcher;
    private final Delivery delivery;
    private final Pipeline pipeline;
    private final MessageStore store;
    private final ScheduledExecutorService timers;
    /** A thread of their own: a knowledge reload or a purge must not hold back the WAL's privacy bounds. */
    private final ScheduledExecutorService checkpoints;
    private final Config config;
    private final Clock clock;
    private final Messages messages;
    private final OrganisationRegistry registry;
    private final ReferralLinks links;
    private final Runnable checkpointIfOwed;
    /** Longer messages get a short answer asking for shorter ones (the default). */
    static final int MAX_MESSAGE_CHARS = 2_000;
    private static final Duration EXPIRY_NOTICE = Duration.ofDays(3);

    public Bot(Config config, Home home, Transport transport, LocalState state, OrganisationRegistry registry,
               Clock clock, PrintStream adminOut) throws IOException, Main.UsageException {
        this(config, home, transport, state, registry, clock, adminOut, Pipeline.Listener.NONE);
    }

    /** With a listener told when each answer is queued (dari bench). */
    Bot(Config config, Home home, Transport transport, LocalState state, OrganisationRegistry registry,
        Clock clock, PrintStream adminOut, Pipeline.Listener listener) throws IOException, Main.UsageException {
        this(config, home, transport, state, Aside.done(registry), openKnowledgeAside(config, home, clock, adminOut), clock, adminOut,
                listener);
    }

    /**
     * With the registry and the knowledge still being made (started before the store was opened):
     * the bot waits for both, and a registry that is not valid still stops the start.
     */
    Bot(Config config, Home home, Transport transport, LocalState state, Aside<OrganisationRegistry> pendingRegistry,
        Aside<KnowledgeService> pendingKnowledge, Clock clock, PrintStream adminOut, Pipeline.Listener listener)
            throws IOException, Main.UsageException {
        this.config = config;
        this.clock = clock;
        this.transport = transport;
        this.store = state.store();
        UnaryOperator<String> personKey = state.personKey();
        Path i18n = home.resolve(config.knowledge().i18nDir());
        OrganisationRegistry registry = pendingRegistry.get();
        this.registry = registry;
        this.messages = Messages.load(i18n);
        CommandWords commands = CommandWords.load(i18n.resolve("commands.yaml"));
        // an idle session's end makes signal-cli forget the person too, where the transport can
        Sessions sessions = new Sessions(Duration.ofMinutes(config.retention().sessionIdleMinutes()), 100_000, Lang.KO,
                this::forgetIdle, com.github.benmanes.caffeine.cache.Ticker.systemTicker());
        this.links = state.referralLinks();
        this.checkpointIfOwed = state::checkpointIfOwed;
        Exchanges exchanges = new Exchanges(Duration.ofHours(config.referral().exchangeHours()), 100_000);
        Referrals referrals = new Referrals(registry, links,
                new ReferralSealer(state.signingKey(Path.of(config.dataDir()))), exchanges,
                new CaseworkerIdentities(transport), ServiceTitles.load(i18n.resolve("services.yaml")), personKey, clock,
                Duration.ofDays(config.retention().referralIdleDays()));
        Conversation.Urgency urgency = new Conversation.Urgency(UrgentDetector.load(i18n),
                UrgentAnswers.load(home.resolve(config.knowledge().seedsDir()).resolve("urgent")));
        // last: what does not need the knowledge (the signing key above all) is made while it builds
        this.knowledge = pendingKnowledge.get();
        Conversation conversation = new Conversation(knowledge, messages, commands, categoryTitles(i18n),
                config.privacyFacts().withSignalForgets(transport.canForget()), urgency, referrals, new Redactor(), MAX_MESSAGE_CHARS,
                config.referral().noteMaxChars());
        this.dispatcher = new Dispatcher(config.dispatcher().threads(), config.dispatcher().maxPending());
        this.delivery = new Delivery(store, transport, Duration.ofHours(config.disappearingTimerHours()),
                account -> registry.caseworker(account).map(Caseworker::safetyNumber), personKey,
                messages.get(Lang.KO, "identity_changed") + "\n" + messages.get(Lang.EN, "identity_changed"));
        RateLimiter limiter = new RateLimiter(config.rateLimit().burst(), config.rateLimit().perMinute(), clock);
        this.pipeline = new Pipeline(store, dispatcher, conversation, sessions, limiter, messages, delivery, personKey,
                listener);
        this.timers = daemonTimer("dari-timers");
        this.checkpoints = daemonTimer("dari-checkpoints");
    }

    private static ScheduledExecutorService daemonTimer(String name) {
        return Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** The knowledge base as the bot serves it, built on a thread of its own from now on. */
    static Aside<KnowledgeService> openKnowledgeAside(Config config, Home home, Clock clock, PrintStream adminOut) {
        return Aside.start("dari-knowledge", () -> openKnowledge(config, home, clock, adminOut::println, true));
    }

    /** The knowledge base as configured: the one place it is opened, for the bot and the kb tools. */
    static KnowledgeService openKnowledge(Config config, Home home, Clock clock, java.util.function.Consumer<String> adminNotices,
                                          boolean trainInBackground) {
        return new KnowledgeService(new KnowledgeService.Paths(home.resolve(config.knowledge().seedsDir()),
                home.resolve(config.knowledge().i18nDir())), clock, config.thresholds(), Retriever.Weights.defaults(),
                adminNotices, trainInBackground, org.dari.knowledge.KnowledgeCache.in(home.cacheDir()));
    }

    static Map<String, Map<Lang, String>> categoryTitles(Path i18n) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(i18n.resolve("categories.yaml").toFile());
        Map<String, Map<Lang, String>> titles = new HashMap<>();
        root.fields().forEachRemaining(e -> {
            Map<Lang, String> byLang = new EnumMap<>(Lang.class);
            for (Lang lang : Lang.values()) {
                JsonNode t = e.getValue().get(lang.code());
                if (t == null) throw new IllegalArgumentException("categories.yaml: " + e.getKey() + " lacks " + lang.code());
                byLang.put(lang, t.asText());
            }
            titles.put(e.getKey(), byLang);
        });
        return titles;
    }

    /** Answers what waited from before, then starts receiving. */
    public void start() throws InterruptedException {
        int purged = store.purgeExpired();
        LOG.info("bot.starting", "purged", purged, "organisations", registry.organisations().size());
        warnOfExpiry();
        long delay = org.dari.store.Vault.CHECKPOINT_DELAY.toMillis();
        checkpoints.scheduleWithFixedDelay(this::checkpoint, delay, delay, TimeUnit.MILLISECONDS);
        delivery.start();
        pipeline.recover();
        transport.start(pipeline);
        long reload = config.knowledge().reloadSeconds();
        timers.scheduleWithFixedDelay(this::reloadKnowledge, reload, reload, TimeUnit.SECONDS);
        long purge = config.retention().purgeIntervalMinutes();
        timers.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.MINUTES);
    }

    /** Runs {@code task} on the thread that reloads the knowledge base and purges (tests: a slow reload). */
    void onTimerThread(Runnable task) {
        timers.execute(task);
    }

    private void reloadKnowledge() {
        try {
            knowledge.reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.error("bot.reload_failed", "error", SafeLog.kind(e));
        }
    }

    private void checkpoint() {
        try {
            checkpointIfOwed.run();
        } catch (RuntimeException | Error e) { // anything thrown would cancel the timer, and with it the bound
            LOG.error("bot.checkpoint_failed", "error", SafeLog.kind(e));
        }
    }

    private void purge() {
        try {
            LOG.info("bot.purged", "records", store.purgeExpired());
            warnOfExpiry();
        } catch (RuntimeException e) {
            LOG.error("bot.purge_failed", "error", SafeLog.kind(e));
        }
    }

    /** Caseworkers hear three days before a quiet case closes by itself. */
    void warnOfExpiry() {
        for (ReferralLinks.Meta m : links.takeExpiryWarnings(EXPIRY_NOTICE)) {
            registry.byId(m.orgId()).ifPresent(org -> {
                Lang lang = org.languages().contains(Lang.KO.code()) ? Lang.KO : Lang.EN;
                long days = Math.max(1, Duration.between(clock.instant(), m.expiresAt()).toDays());
                String text = messages.get(lang, "cw_expiry_warning", "code", ReferralCode.shortForm(m.codeId()), "days", days);
                for (Caseworker c : org.caseworkers()) {
                    store.enqueue(new OutboundMessage(c.account(), text),
                            ("expiry:" + m.codeId() + ":" + m.expiresAt().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
                }
            });
        }
        delivery.wake();
    }

    private void forgetIdle(String signalId) {
        delivery.forgetIdle(signalId);
    }

    public Pipeline pipeline() {
        return pipeline;
    }

    public Messages messages() {
        return messages;
    }

    public KnowledgeService knowledge() {
        return knowledge;
    }

    @Override
    public void close() {
        transport.close();
        timers.shutdownNow();
        pipeline.close();
        dispatcher.close();
        delivery.close();
        checkpoints.shutdownNow(); // after the last answers and sends of the shutdown; closing the store truncates
        knowledge.close();
    }
}
