package org.dari.cli;

import org.dari.log.SafeLog;
import org.dari.transport.SignalConfig;
import org.dari.transport.SignalTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import org.dari.referral.OrganisationRegistry;

import java.time.Clock;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the bot on Signal, through signal-cli-rest-api (see ops/).",
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
        SignalConfig signal = signalConfig(config);
        OrganisationRegistry registry = Registries.load(config, home, Streams.stderr());
        if (registry.listsDemo() && !allowDemo) {
            throw new Main.UsageException("the organisation registry lists the demo organisation, whose secret key is public;"
                    + " remove it from " + config.referral().organisations() + " or, only for a trial, start with --allow-demo");
        }
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, home, new SignalTransport(signal), state, registry,
                     Clock.systemUTC(), Streams.stderr())) {
            Thread hook = new Thread(stop::countDown, "dari-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            bot.start();
            LOG.info("bot.running", "mode", signal.receiveMode());
            stop.await();
        }
        return 0;
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
                    base.minBackoff(), base.maxBackoff(), base.connectTimeout(), base.readTimeout());
        } catch (IllegalArgumentException e) {
            throw new Config.ConfigException("invalid signal settings: " + e.getMessage());
        }
    }
}
