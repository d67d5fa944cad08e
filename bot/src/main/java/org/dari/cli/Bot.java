package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dari.conversation.CommandWords;
import org.dari.conversation.Conversation;
import org.dari.conversation.Delivery;
import org.dari.conversation.Dispatcher;
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
    private final Config config;
    private final Messages messages;

    public Bot(Config config, Home home, Transport transport, MessageStore store, UnaryOperator<String> personKey,
               Clock clock, PrintStream adminOut) throws IOException {
        this.config = config;
        this.transport = transport;
        this.store = store;
        Path i18n = home.resolve(config.knowledge().i18nDir());
        this.knowledge = openKnowledge(config, home, clock, adminOut::println);
        this.messages = Messages.load(i18n);
        CommandWords commands = CommandWords.load(i18n.resolve("commands.yaml"));
        Sessions sessions = new Sessions(Duration.ofMinutes(config.retention().sessionIdleMinutes()), 100_000, Lang.KO);
        Conversation conversation = new Conversation(knowledge, messages, commands, categoryTitles(i18n),
                config.privacyFacts());
        this.dispatcher = new Dispatcher(config.dispatcher().threads(), config.dispatcher().maxPending());
        this.delivery = new Delivery(store, transport, Duration.ofHours(config.disappearingTimerHours()));
        RateLimiter limiter = new RateLimiter(config.rateLimit().burst(), config.rateLimit().perMinute(), clock);
        this.pipeline = new Pipeline(store, dispatcher, conversation, sessions, limiter, messages, delivery, personKey);
        this.timers = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dari-timers");
            t.setDaemon(true);
            return t;
        });
    }

    /** The knowledge base as configured: the one place it is opened, for the bot and the kb tools. */
    static KnowledgeService openKnowledge(Config config, Home home, Clock clock, java.util.function.Consumer<String> adminNotices) {
        return new KnowledgeService(new KnowledgeService.Paths(home.resolve(config.knowledge().seedsDir()),
                home.resolve(config.knowledge().i18nDir())), clock, config.thresholds(), Retriever.Weights.defaults(),
                adminNotices);
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
        LOG.info("bot.starting", "purged", purged);
        delivery.start();
        pipeline.recover();
        transport.start(pipeline);
        long reload = config.knowledge().reloadSeconds();
        timers.scheduleWithFixedDelay(this::reloadKnowledge, reload, reload, TimeUnit.SECONDS);
        long purge = config.retention().purgeIntervalMinutes();
        timers.scheduleWithFixedDelay(this::purge, purge, purge, TimeUnit.MINUTES);
    }

    private void reloadKnowledge() {
        try {
            knowledge.reloadIfChanged();
        } catch (RuntimeException e) {
            LOG.error("bot.reload_failed", "error", SafeLog.kind(e));
        }
    }

    private void purge() {
        try {
            LOG.info("bot.purged", "records", store.purgeExpired());
        } catch (RuntimeException e) {
            LOG.error("bot.purge_failed", "error", SafeLog.kind(e));
        }
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
        dispatcher.close();
        delivery.close();
        knowledge.close();
    }
}
