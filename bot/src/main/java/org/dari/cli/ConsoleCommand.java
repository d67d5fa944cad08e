package org.dari.cli;

import org.dari.conversation.Pipeline;
import org.dari.knowledge.KnowledgeService;
import org.dari.referral.OrganisationRegistry;
import org.dari.transport.ConsoleTransport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

@Command(name = "console", mixinStandardHelpOptions = true,
        description = {"Chat with the bot in this terminal: bundled knowledge base, local encrypted state, no Signal needed.",
                "Type a line and press Enter. Piped input works too: one message per line, clean exit at the end."})
final class ConsoleCommand implements Callable<Integer> {
    @Mixin
    BotOptions options = new BotOptions();

    @Option(names = "--data", paramLabel = "DIR", description = "Where the console keeps its files (default: ./data).")
    Path data;

    @Override
    public Integer call() throws Exception {
        Config config = options.load(System.getenv());
        if (data != null) config = config.withDataDir(data.toString());
        return run(config, Home.locate(), System.in, Streams.stdout(), Streams.stderr(), System.console() != null);
    }

    /** Runs a console chat until the input ends. */
    static int run(Config config, Home home, InputStream in, PrintStream out, PrintStream err, boolean interactive)
            throws Exception {
        ConsoleTransport transport = new ConsoleTransport(in, out, interactive, System.currentTimeMillis(),
                Path.of(config.dataDir()).resolve("console-files"));
        Aside<OrganisationRegistry> registry = Registries.loadAside(config, home, err);
        Aside<KnowledgeService> knowledge = Bot.openKnowledgeAside(config, home, Clock.systemUTC(), err);
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, home, transport, state, registry, knowledge, Clock.systemUTC(), err, Pipeline.Listener.NONE)) {
            if (interactive) {
                out.println(bot.messages().get(org.dari.knowledge.Lang.KO, "console_banner"));
                out.println(bot.messages().get(org.dari.knowledge.Lang.EN, "console_banner"));
                out.println();
            }
            bot.start();
            transport.finished().get();
            if (!bot.pipeline().awaitQuiet(60, TimeUnit.SECONDS)) {
                err.println("dari: some replies were still pending at exit; they are kept and sent next time");
                return Main.EXIT_FAILURE;
            }
        }
        return 0;
    }
}
