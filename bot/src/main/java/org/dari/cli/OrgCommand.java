package org.dari.cli;

import org.dari.referral.BotSigningKey;
import org.dari.referral.KeyCheck;
import org.dari.referral.OrgKey;
import org.dari.referral.Organisation;
import org.dari.referral.OrganisationRegistry;
import org.dari.referral.RegistryException;
import org.dari.referral.Service;
import org.dari.store.KeyRing;
import org.dari.store.MasterKey;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;

@Command(name = "org", mixinStandardHelpOptions = true,
        description = "Check and list the organisations that receive referrals, and show the bot's signing key.",
        subcommands = {OrgCommand.Validate.class, OrgCommand.ListOrgs.class, OrgCommand.BotKey.class})
final class OrgCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options naming the registry file. */
    static final class Registry {
        @Mixin
        BotOptions options = new BotOptions();

        @Option(names = "--registry", paramLabel = "FILE",
                description = "Organisation registry (default: referral.organisations from the config, config/organisations.yaml).")
        Path registry;

        Path file() throws Config.ConfigException {
            if (registry != null) return registry.toAbsolutePath();
            return Home.locate().resolve(options.load(System.getenv()).referral().organisations());
        }
    }

    @Command(name = "validate", mixinStandardHelpOptions = true,
            description = {"Check the whole registry and every key in it: exit 0 when valid, 2 when not.",
                    "With --key: check one public key file alone (exit 2 with the reason if it is not acceptable)."})
    static final class Validate implements Callable<Integer> {
        @Mixin
        Registry target = new Registry();

        @Option(names = "--key", paramLabel = "FILE", description = "Check this public key file alone.")
        Path key;

        @Option(names = "--fingerprint", paramLabel = "FINGERPRINT", description = "With --key: the fingerprint it must have.")
        String fingerprint;

        @Override
        public Integer call() throws Exception {
            PrintStream out = Streams.stdout();
            if (key != null) {
                KeyCheck.Result result = KeyCheck.check(key, Optional.ofNullable(fingerprint), Clock.systemUTC());
                if (!result.ok()) throw new Main.UsageException(key + ": " + String.join("; ", result.errors()));
                out.println("fingerprint: " + KeyCheck.grouped(result.fingerprint()));
                out.println("algorithm:   " + result.algorithm());
                out.println("expires:     " + expiry(result.expires()));
                result.warnings().forEach(w -> out.println("warning: " + w));
                out.println("key is acceptable");
                return 0;
            }
            if (fingerprint != null) throw new Main.UsageException("--fingerprint goes with --key");
            Path file = target.file();
            try {
                OrganisationRegistry registry = OrganisationRegistry.load(file, Clock.systemUTC());
                registry.warnings().forEach(w -> out.println("warning: " + w));
                if (registry.listsDemo()) out.println("warning: the registry lists the demo organisation, whose secret key is public");
                out.printf("%d organisations (%d active), %d warnings: valid%n", registry.organisations().size(),
                        registry.active().size(), registry.warnings().size());
                return 0;
            } catch (RegistryException e) {
                e.problems().forEach(out::println);
                out.printf("%d problems: NOT valid%n", e.problems().size());
                return Main.EXIT_USAGE;
            }
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "Show each organisation: services, languages, provinces, keys and their expiry (never caseworker accounts).")
    static final class ListOrgs implements Callable<Integer> {
        @Mixin
        Registry target = new Registry();

        @Override
        public Integer call() throws Exception {
            OrganisationRegistry registry;
            try {
                registry = OrganisationRegistry.load(target.file(), Clock.systemUTC());
            } catch (RegistryException e) {
                throw new Main.UsageException(e.getMessage() + "; run: dari org validate");
            }
            PrintStream out = Streams.stdout();
            for (Organisation o : registry.organisations()) {
                out.println(o.id() + (o.active() ? "" : " (inactive)") + (o.demo() ? " (DEMO, not real)" : "")
                        + ": " + o.nameEn() + " / " + o.nameKo());
                out.println("  services:    " + o.services().stream().map(Service::id).collect(Collectors.joining(", ")));
                out.println("  languages:   " + String.join(", ", o.languages()));
                out.println("  provinces:   " + (o.provinces().isEmpty() ? "all" : String.join(", ", o.provinces())));
                out.println("  caseworkers: " + o.caseworkers().size());
                for (OrgKey k : o.keys()) {
                    out.println("  key:         " + KeyCheck.grouped(k.fingerprint()) + ", expires " + expiry(k.expires()));
                }
            }
            registry.warnings().forEach(w -> out.println("warning: " + w));
            return 0;
        }
    }

    @Command(name = "bot-key", mixinStandardHelpOptions = true,
            description = {"Print the bot's public signing key (armored) and its fingerprint.",
                    "Give both to each organisation, which pins the fingerprint to check that referrals come from this bot."})
    static final class BotKey implements Callable<Integer> {
        @Mixin
        KeysCommand.Target target = new KeysCommand.Target();

        @Override
        public Integer call() throws Exception {
            Config config = target.options.load(System.getenv());
            if (target.data != null) config = config.withDataDir(target.data.toString());
            Path dataDir = Path.of(config.dataDir());
            boolean passphrase = config.keys().fromPassphrase();
            if (!passphrase && !Files.exists(Path.of(config.keys().keyFile()))) {
                throw new Main.UsageException("no key file yet: run dari keys init first");
            }
            Optional<BotSigningKey> key;
            try (MasterKey master = LocalState.masterKey(config, dataDir); KeyRing keys = new KeyRing(master)) {
                key = BotSigningKey.load(dataDir, keys);
            }
            if (key.isEmpty()) throw new Main.UsageException("no bot signing key yet: run dari keys init (or start the bot once)");
            PrintStream out = Streams.stdout();
            out.print(key.get().armoredPublic());
            out.println("fingerprint: " + KeyCheck.grouped(key.get().fingerprint()));
            return 0;
        }
    }

    static String expiry(Optional<Instant> expires) {
        return expires.map(i -> i.atOffset(ZoneOffset.UTC).toLocalDate().toString()).orElse("never");
    }
}
