package org.dari.cli;

import org.dari.log.SafeLog;
import org.dari.transport.SignalCliConfig;
import org.dari.transport.SignalCliTransport;
import org.dari.transport.SignalConfig;
import org.dari.transport.SignalTransport;
import org.dari.transport.Transport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.dari.referral.OrganisationRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the bot on Signal, through signal-cli-rest-api or signal-cli's own JSON-RPC daemon"
                + " (signal.transport; see ops/).",
                "Stops cleanly on SIGTERM or Ctrl-C; anything accepted but not yet answered is answered at the next start."})
final class RunCommand implements Callable<Integer> {
    private static final SafeLog LOG = SafeLog.of(RunCommand.class);

    @Mixin
    BotOptions options = new BotOptions();

    @Option(names = "--allow-demo", description = "Start even though the registry lists the demo organisation"
            + " (whose secret key is public). Only for trying Dari out, never with real people.")
    boolean allowDemo;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(System.getenv());
        return run(config, Home.locate(), new CountDownLatch(1), allowDemo);
    }

    static int run(Config config, Home home, CountDownLatch stop, boolean allowDemo) throws Exception {
        Supplier<Transport> transport = transport(config);
        OrganisationRegistry registry = Registries.load(config, home, Streams.stderr());
        if (registry.listsDemo() && !allowDemo) {
            throw new Main.UsageException("the organisation registry lists the demo organisation, whose secret key is public;"
                    + " remove it from " + config.referral().organisations() + " or, only for a trial, start with --allow-demo");
        }
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, home, transport.get(), state, registry,
                     Clock.systemUTC(), Streams.stderr())) {
            Thread hook = new Thread(stop::countDown, "dari-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            bot.start();
            LOG.info("bot.running", "transport", Backend.of(config));
            stop.await();
        }
        return 0;
    }

    /** The Signal side picked by {@code signal.transport}; its settings are checked now, the transport made later. */
    static Supplier<Transport> transport(Config config) throws Config.ConfigException {
        if (Backend.of(config) == Backend.SIGNAL_CLI) {
            SignalCliConfig signalCli = signalCliConfig(config);
            return () -> new SignalCliTransport(signalCli);
        }
        SignalConfig rest = signalConfig(config);
        return () -> new SignalTransport(rest);
    }

    /** Which Signal transport runs; a loggable value. */
    enum Backend {
        REST, SIGNAL_CLI;

        static Backend of(Config config) {
            return Config.TRANSPORT_SIGNAL_CLI.equals(config.signal().transport()) ? SIGNAL_CLI : REST;
        }
    }

    static SignalCliConfig signalCliConfig(Config config) throws Config.ConfigException {
        Config.Signal s = config.signal();
        if (s.number() == null) {
            throw new Config.ConfigException("signal.number is required to run on Signal (or set DARI_SIGNAL_NUMBER)");
        }
        try {
            SignalCliConfig base = SignalCliConfig.of(s.url(), s.number());
            return s.sendTimeoutSeconds() == null ? base : base.withReadTimeout(Duration.ofSeconds(s.sendTimeoutSeconds()));
        } catch (IllegalArgumentException e) {
            throw new Config.ConfigException("invalid signal settings: " + e.getMessage());
        }
    }

    static SignalConfig signalConfig(Config config) throws Config.ConfigException {
        Config.Signal s = config.signal();
        if (s.number() == null) {
            throw new Config.ConfigException("signal.number is required to run on Signal (or set DARI_SIGNAL_NUMBER)");
        }
        try {
            SignalConfig base = SignalConfig.of(s.url(), s.number())
                    .withReceiveMode(SignalConfig.ReceiveMode.valueOf(s.receiveMode().toUpperCase(Locale.ROOT)));
            return new SignalConfig(base.baseUrl(), base.account(), base.receiveMode(), s.pollTimeoutSeconds(),
                    base.minBackoff(), base.maxBackoff(), base.connectTimeout(),
                    s.sendTimeoutSeconds() == null ? base.readTimeout() : Duration.ofSeconds(s.sendTimeoutSeconds()));
        } catch (IllegalArgumentException e) {
            throw new Config.ConfigException("invalid signal settings: " + e.getMessage());
        }
    }
}
