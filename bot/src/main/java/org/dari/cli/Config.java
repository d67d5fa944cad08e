package org.dari.cli;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The bot's configuration: {@code config/dari.example.yaml} documents every key.
 * Secrets and addresses can come from the environment instead of the file.
 */
public record Config(
        @JsonProperty("data_dir") String dataDir,
        @JsonProperty("signal") Signal signal,
        @JsonProperty("keys") Keys keys,
        @JsonProperty("retention") Retention retention,
        @JsonProperty("disappearing_timer_hours") Integer disappearingTimerHours,
        @JsonProperty("dispatcher") DispatcherSettings dispatcher,
        @JsonProperty("rate_limit") RateLimit rateLimit,
        @JsonProperty("knowledge") Knowledge knowledge,
        @JsonProperty("referral") Referral referral) {

    /**
     * @param transport {@code rest} (signal-cli-rest-api, the default) or {@code signal-cli}
     *                  (signal-cli's own JSON-RPC daemon over HTTP, which can also forget a person)
     * @param sendTimeoutSeconds how long one call (a send) may take before its outcome counts as unclear;
     *                           null: the transport's own default (30 s REST, 60 s signal-cli)
     */
    public record Signal(@JsonProperty("transport") String transport,
                         @JsonProperty("url") String url,
                         @JsonProperty("number") String number,
                         @JsonProperty("receive_mode") String receiveMode,
                         @JsonProperty("poll_timeout_seconds") Integer pollTimeoutSeconds,
                         @JsonProperty("send_timeout_seconds") Integer sendTimeoutSeconds) {
    }

    /**
     * @param passphraseFile a private file holding the passphrase, or "-" to read it from standard input
     */
    public record Keys(@JsonProperty("key_file") String keyFile,
                       @JsonProperty("passphrase_env") String passphraseEnv,
                       @JsonProperty("passphrase_file") String passphraseFile) {
        /** Whether the master key comes from a passphrase (there is no key file then). */
        public boolean fromPassphrase() {
            return (passphraseEnv != null && !passphraseEnv.isBlank()) || (passphraseFile != null && !passphraseFile.isBlank());
        }
    }

    public record Retention(@JsonProperty("session_idle_minutes") Integer sessionIdleMinutes,
                            @JsonProperty("journal_max_days") Integer journalMaxDays,
                            @JsonProperty("outbox_max_days") Integer outboxMaxDays,
                            @JsonProperty("referral_idle_days") Integer referralIdleDays,
                            @JsonProperty("purge_interval_minutes") Integer purgeIntervalMinutes) {
    }

    public record DispatcherSettings(@JsonProperty("threads") Integer threads,
                                     @JsonProperty("max_pending") Integer maxPending) {
    }

    public record RateLimit(@JsonProperty("burst") Integer burst,
                            @JsonProperty("per_minute") Integer perMinute) {
    }

    public record Knowledge(@JsonProperty("seeds_dir") String seedsDir,
                            @JsonProperty("i18n_dir") String i18nDir,
                            @JsonProperty("reload_seconds") Integer reloadSeconds,
                            @JsonProperty("ko_decline_score") Double koDecline,
                            @JsonProperty("ko_answer_score") Double koAnswer,
                            @JsonProperty("en_decline_score") Double enDecline,
                            @JsonProperty("en_answer_score") Double enAnswer,
                            @JsonProperty("max_runner_up_ratio") Double maxRunnerUpRatio) {
    }

    public record Referral(@JsonProperty("organisations") String organisations,
                           @JsonProperty("exchange_hours") Integer exchangeHours,
                           @JsonProperty("note_max_chars") Integer noteMaxChars) {
    }

    /** A configuration problem, phrased for the operator in one line. */
    public static final class ConfigException extends Exception {
        public ConfigException(String message) {
            super(message, null, false, false);
        }
    }

    public static final Map<String, String> ENVIRONMENT_OVERRIDES = Map.of(
            "DARI_DATA_DIR", "data_dir",
            "DARI_SIGNAL_TRANSPORT", "signal.transport",
            "DARI_SIGNAL_URL", "signal.url",
            "DARI_SIGNAL_NUMBER", "signal.number",
            "DARI_SIGNAL_RECEIVE_MODE", "signal.receive_mode",
            "DARI_KEY_FILE", "keys.key_file");

    /** {@code signal.transport}: signal-cli-rest-api. */
    public static final String TRANSPORT_REST = "rest";
    /** {@code signal.transport}: signal-cli's own JSON-RPC daemon over HTTP. */
    public static final String TRANSPORT_SIGNAL_CLI = "signal-cli";

    // the message never repeats the path: it may be anything, a NUL character included
    private static final String PATH_PROBLEM = "a folder or file name (data_dir, keys.key_file, knowledge.seeds_dir, "
            + "knowledge.i18n_dir, referral.organisations) holds a character no path may hold";

    public static Config defaults() {
        return new Config(null, null, null, null, null, null, null, null, null).withDefaults();
    }

    public static Config load(Path file, Map<String, String> env) throws ConfigException {
        if (!Files.isRegularFile(file)) throw new ConfigException("config file not found: " + file);
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory())
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
        Config raw;
        try {
            raw = yaml.readValue(file.toFile(), Config.class);
        } catch (UnrecognizedPropertyException e) {
            throw new ConfigException(file + ": unknown key '" + e.getPropertyName() + "'" + where(e));
        } catch (InvalidFormatException e) {
            throw new ConfigException(file + ": wrong type for '" + path(e) + "'" + where(e));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ConfigException(file + ": not valid YAML" + where(e));
        } catch (IOException e) {
            throw new ConfigException(file + ": cannot be read");
        }
        if (raw == null) raw = new Config(null, null, null, null, null, null, null, null, null);
        Config config;
        try {
            config = raw.withEnvironment(env).withDefaults();
        } catch (InvalidPathException e) {
            throw new ConfigException(file + ": " + PATH_PROBLEM);
        }
        config.validate();
        return config;
    }

    private static String where(com.fasterxml.jackson.core.JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static String path(InvalidFormatException e) {
        StringBuilder p = new StringBuilder();
        for (var ref : e.getPath()) {
            if (ref.getFieldName() != null) p.append(p.length() == 0 ? "" : ".").append(ref.getFieldName());
        }
        return p.toString();
    }

    public Config withDataDir(String dir) {
        Keys k = keys;
        // a key file that lived in the old data directory moves with it
        String keyFile = k.keyFile().equals(Path.of(dataDir, "master.key").toString())
                ? Path.of(dir, "master.key").toString() : k.keyFile();
        return new Config(dir, signal, new Keys(keyFile, k.passphraseEnv(), k.passphraseFile()), retention, disappearingTimerHours,
                dispatcher, rateLimit, knowledge, referral);
    }

    Config withEnvironment(Map<String, String> env) {
        Signal s = signal == null ? new Signal(null, null, null, null, null, null) : signal;
        Keys k = keys == null ? new Keys(null, null, null) : keys;
        return new Config(
                env.getOrDefault("DARI_DATA_DIR", dataDir),
                new Signal(env.getOrDefault("DARI_SIGNAL_TRANSPORT", s.transport()), env.getOrDefault("DARI_SIGNAL_URL", s.url()), env.getOrDefault("DARI_SIGNAL_NUMBER", s.number()),
                        env.getOrDefault("DARI_SIGNAL_RECEIVE_MODE", s.receiveMode()), s.pollTimeoutSeconds(), s.sendTimeoutSeconds()),
                new Keys(env.getOrDefault("DARI_KEY_FILE", k.keyFile()), k.passphraseEnv(), k.passphraseFile()),
                retention, disappearingTimerHours, dispatcher, rateLimit, knowledge, referral);
    }

    Config withDefaults() {
        Signal s = signal == null ? new Signal(null, null, null, null, null, null) : signal;
        Keys k = keys == null ? new Keys(null, null, null) : keys;
        Retention r = retention == null ? new Retention(null, null, null, null, null) : retention;
        DispatcherSettings d = dispatcher == null ? new DispatcherSettings(null, null) : dispatcher;
        RateLimit rl = rateLimit == null ? new RateLimit(null, null) : rateLimit;
        Referral rf = referral == null ? new Referral(null, null, null) : referral;
        Knowledge kn = knowledge == null ? new Knowledge(null, null, null, null, null, null, null, null) : knowledge;
        String data = or(dataDir, "./data");
        var t = org.dari.knowledge.Thresholds.defaults();
        return new Config(data,
                new Signal(or(s.transport(), TRANSPORT_REST), or(s.url(), "http://127.0.0.1:8080"), s.number(), or(s.receiveMode(), "auto"), or(s.pollTimeoutSeconds(), 10),
                        s.sendTimeoutSeconds()),
                new Keys(or(k.keyFile(), Path.of(data, "master.key").toString()), k.passphraseEnv(), k.passphraseFile()),
                new Retention(or(r.sessionIdleMinutes(), 30), or(r.journalMaxDays(), 7), or(r.outboxMaxDays(), 7),
                        or(r.referralIdleDays(), 30), or(r.purgeIntervalMinutes(), 10)),
                or(disappearingTimerHours, 24),
                new DispatcherSettings(or(d.threads(), 8), or(d.maxPending(), 1000)),
                new RateLimit(or(rl.burst(), 12), or(rl.perMinute(), 20)),
                new Knowledge(or(kn.seedsDir(), "seeds"), or(kn.i18nDir(), "i18n"), or(kn.reloadSeconds(), 5),
                        or(kn.koDecline(), t.koDecline()), or(kn.koAnswer(), t.koAnswer()),
                        or(kn.enDecline(), t.enDecline()), or(kn.enAnswer(), t.enAnswer()),
                        or(kn.maxRunnerUpRatio(), t.maxRunnerUpRatio())),
                new Referral(or(rf.organisations(), "config/organisations.yaml"), or(rf.exchangeHours(), 24),
                        or(rf.noteMaxChars(), 300)));
    }

    void validate() throws ConfigException {
        List<String> problems = new ArrayList<>();
        if (signal.url() != null && !signal.url().matches("https?://[^\\s/]+(:\\d+)?(/.*)?")) {
            problems.add("signal.url must look like http://host:port");
        }
        if (signal.number() != null && !signal.number().matches("\\+[1-9]\\d{6,14}")) {
            problems.add("signal.number must be the bot's number in international form, like +4915100000000");
        }
        if (!Set.of(TRANSPORT_REST, TRANSPORT_SIGNAL_CLI).contains(signal.transport())) {
            problems.add("signal.transport must be rest (signal-cli-rest-api) or signal-cli (its own JSON-RPC daemon)");
        }
        if (!Set.of("auto", "poll", "websocket").contains(signal.receiveMode())) {
            problems.add("signal.receive_mode must be auto, poll or websocket");
        }
        positive(problems, "signal.poll_timeout_seconds", signal.pollTimeoutSeconds());
        if (signal.sendTimeoutSeconds() != null && (signal.sendTimeoutSeconds() < 1 || signal.sendTimeoutSeconds() > 600)) {
            problems.add("signal.send_timeout_seconds must be between 1 and 600");
        }
        positive(problems, "retention.session_idle_minutes", retention.sessionIdleMinutes());
        positive(problems, "retention.journal_max_days", retention.journalMaxDays());
        positive(problems, "retention.outbox_max_days", retention.outboxMaxDays());
        positive(problems, "retention.referral_idle_days", retention.referralIdleDays());
        positive(problems, "retention.purge_interval_minutes", retention.purgeIntervalMinutes());
        positive(problems, "dispatcher.threads", dispatcher.threads());
        positive(problems, "dispatcher.max_pending", dispatcher.maxPending());
        positive(problems, "rate_limit.burst", rateLimit.burst());
        positive(problems, "rate_limit.per_minute", rateLimit.perMinute());
        positive(problems, "knowledge.reload_seconds", knowledge.reloadSeconds());
        positive(problems, "referral.exchange_hours", referral.exchangeHours());
        positive(problems, "referral.note_max_chars", referral.noteMaxChars());
        if (disappearingTimerHours < 0 || disappearingTimerHours > 24 * 28) {
            problems.add("disappearing_timer_hours must be between 0 and 672");
        }
        for (String path : List.of(dataDir, keys.keyFile(), knowledge.seedsDir(), knowledge.i18nDir(), referral.organisations())) {
            try {
                Path.of(path);
            } catch (InvalidPathException e) {
                problems.add(PATH_PROBLEM);
                break;
            }
        }
        try {
            thresholds();
        } catch (IllegalArgumentException e) {
            problems.add("knowledge thresholds: " + e.getMessage());
        }
        if (!problems.isEmpty()) throw new ConfigException("invalid configuration: " + String.join("; ", problems));
    }

    private static void positive(List<String> problems, String key, Integer value) {
        if (value == null || value <= 0) problems.add(key + " must be a positive number");
    }

    public org.dari.knowledge.Thresholds thresholds() {
        return new org.dari.knowledge.Thresholds(knowledge.koDecline(), knowledge.koAnswer(),
                knowledge.enDecline(), knowledge.enAnswer(), knowledge.maxRunnerUpRatio());
    }

    public org.dari.conversation.PrivacyFacts privacyFacts() {
        return new org.dari.conversation.PrivacyFacts(Duration.ofMinutes(retention.sessionIdleMinutes()),
                Duration.ofDays(retention.journalMaxDays()), Duration.ofDays(retention.outboxMaxDays()),
                Duration.ofDays(retention.referralIdleDays()), Duration.ofHours(disappearingTimerHours));
    }

    private static <T> T or(T value, T fallback) {
        return value != null ? value : fallback;
    }
}
