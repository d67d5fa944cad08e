package org.dari.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.List;

/** {@code dari}: the command line. Errors are one clear line, never a stack trace. */
@Command(name = "dari", mixinStandardHelpOptions = true, version = "dari 0.1.0",
        description = "Dari (다리): a Signal bot that answers questions about refugees' rights and relays requests for help.")
public final class Main implements Runnable {
    private static final List<Class<?>> SUBCOMMANDS = List.of(ConsoleCommand.class, RunCommand.class, BenchCommand.class,
            KbCommand.class, KeysCommand.class, OrgCommand.class, ReferralCommand.class, CommandLine.HelpCommand.class);
    public static final int EXIT_USAGE = 2;
    public static final int EXIT_FAILURE = 1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    public static void main(String[] args) {
        if (args.length > 0 && (args[0].equals("console") || args[0].equals("bench")) && System.getProperty("org.slf4j.simpleLogger.defaultLogLevel") == null) {
            // the chat (or the benchmark's figures) and the logs share the terminal: only warnings interrupt it
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        System.exit(execute(args));
    }

    public static int execute(String... args) {
        CommandLine cli = commandLine(args.length > 0 ? args[0] : null);
        return cli.execute(args);
    }

    static CommandLine commandLine() {
        return commandLine(null);
    }

    /**
     * With only the subcommand {@code first} names, when it names one: picocli reads every option of
     * every command it is given, a fifth of a second of a start spent before anything else can begin.
     */
    static CommandLine commandLine(String first) {
        CommandLine cli = new CommandLine(new Main());
        List<Class<?>> named = SUBCOMMANDS.stream().filter(c -> c.getAnnotation(Command.class).name().equals(first)).toList();
        for (Class<?> subcommand : named.isEmpty() ? SUBCOMMANDS : named) cli.addSubcommand(subcommand);
        cli.setOut(new PrintWriter(Streams.stdout(), true));
        cli.setErr(new PrintWriter(Streams.stderr(), true));
        cli.setParameterExceptionHandler((ex, args) -> {
            PrintWriter err = ex.getCommandLine().getErr();
            String command = ex.getCommandLine().getCommandName().replace("dari", "").trim();
            err.println("dari: " + oneLine(ex.getMessage()) + " (see: dari " + (command.isEmpty() ? "" : command + " ") + "--help)");
            return EXIT_USAGE;
        });
        cli.setExecutionExceptionHandler((ex, commandLine, parseResult) -> {
            PrintWriter err = commandLine.getErr();
            if (ex instanceof Config.ConfigException || ex instanceof UsageException) {
                err.println("dari: " + oneLine(ex.getMessage()));
                return EXIT_USAGE;
            }
            if (ex instanceof org.dari.store.VaultException) {
                // vault messages name the file and the problem, never data or keys
                err.println("dari: " + oneLine(ex.getMessage()));
                return EXIT_FAILURE;
            }
            if (ex instanceof org.dari.referral.ReferralException) {
                // fixed text, never data or key material
                err.println("dari: " + oneLine(ex.getMessage()));
                return EXIT_FAILURE;
            }
            if (ex instanceof org.dari.knowledge.KnowledgeService.InvalidKnowledgeException k) {
                k.issues().forEach(err::println);
                err.println("dari: the knowledge base is not valid; run: dari kb validate");
                return EXIT_FAILURE;
            }
            err.println("dari: failed (" + ex.getClass().getSimpleName() + ")");
            return EXIT_FAILURE;
        });
        return cli;
    }

    static String oneLine(String s) {
        return s == null ? "" : s.replaceAll("\\s+", " ").trim();
    }

    /** A mistake in how a command was called, shown as one line with exit code 2. */
    public static final class UsageException extends Exception {
        public UsageException(String message) {
            super(message, null, false, false);
        }
    }
}
