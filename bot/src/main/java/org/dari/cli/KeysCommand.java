package org.dari.cli;

import org.dari.referral.BotSigningKey;
import org.dari.referral.KeyCheck;
import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.VaultException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.Callable;

@Command(name = "keys", mixinStandardHelpOptions = true, description = "Create or rotate the key that encrypts the bot's state (and its sealed signing key).",
        subcommands = {KeysCommand.Init.class, KeysCommand.Rotate.class})
final class KeysCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** Options naming the data directory and key file. */
    static final class Target {
        @Mixin
        BotOptions options = new BotOptions();

        @Option(names = "--data", paramLabel = "DIR", description = "Data directory (default: data_dir from the config, ./data).")
        Path data;

        /** The configuration, refused when the key comes from a passphrase (there is no key file then). */
        Config keyFileConfig(String refusal) throws Config.ConfigException, Main.UsageException {
            Config c = options.load(System.getenv());
            if (c.keys().fromPassphrase()) throw new Main.UsageException(refusal);
            return data == null ? c : c.withDataDir(data.toString());
        }
    }

    @Command(name = "init", mixinStandardHelpOptions = true,
            description = {"Create the 256-bit master key file (mode 0600) if it does not exist yet,",
                    "and the bot's OpenPGP signing key, stored sealed under it."})
    static final class Init implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            Config config = target.keyFileConfig("keys.passphrase_env or keys.passphrase_file is set: the key comes from the passphrase, there is no key file to create");
            Path dataDir = Path.of(config.dataDir());
            Path keyFile = Path.of(config.keys().keyFile());
            boolean existed = Files.exists(keyFile);
            if (!Files.exists(dataDir)) {
                Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            }
            try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
                Streams.stdout().println((existed ? "key file already exists, left as it is: " : "created key file: ") + keyFile);
                boolean hadBotKey = BotSigningKey.load(dataDir, keys).isPresent();
                BotSigningKey botKey = BotSigningKey.loadOrCreate(dataDir, keys);
                Streams.stdout().println((hadBotKey ? "bot signing key already exists: " : "created bot signing key: ")
                        + KeyCheck.grouped(botKey.fingerprint()) + " (show it with: dari org bot-key)");
            } catch (VaultException e) {
                throw new Main.UsageException(e.getMessage());
            }
            return 0;
        }
    }

    @Command(name = "rotate", mixinStandardHelpOptions = true,
            description = {"Re-encrypt all stored data under a new key, then destroy the old key.",
                    "Stop the bot first. Safe to interrupt: the next start finishes or undoes it."})
    static final class Rotate implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Override
        public Integer call() throws Exception {
            Config config = target.keyFileConfig("rotation is not available in passphrase mode yet");
            try {
                KeyRotation.rotate(Path.of(config.dataDir()), Path.of(config.keys().keyFile()));
            } catch (VaultException e) {
                throw new Main.UsageException(e.getMessage());
            }
            Streams.stdout().println("rotated: all data now under a new key; the old key file was destroyed");
            return 0;
        }
    }
}
