package org.dari.cli;

import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.dari.referral.KeyCheck;
import org.dari.referral.ReferralException;
import org.dari.referral.ReferralOpener;
import org.pgpainless.PGPainless;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.Callable;

@Command(name = "referral", mixinStandardHelpOptions = true, description = "Tools for caseworkers.",
        subcommands = {ReferralCommand.Decrypt.class})
final class ReferralCommand implements Runnable {
    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "decrypt", mixinStandardHelpOptions = true,
            description = {"Decrypt a sealed referral (.asc) with your organisation's secret key and print it.",
                    "With --bot-key, also check that the Dari bot signed it (exit 1 if not)."})
    static final class Decrypt implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The referral (.asc) received from the bot.")
        Path file;

        @Option(names = "--key", required = true, paramLabel = "SECRET_KEY_FILE",
                description = "Your organisation's OpenPGP secret key (armored, without passphrase).")
        Path key;

        @Option(names = "--bot-key", paramLabel = "BOT_PUBLIC_KEY_FILE",
                description = "The bot's public key (from dari org bot-key), to verify its signature.")
        Path botKey;

        @Override
        public Integer call() throws Exception {
            byte[] message = read(file, "referral file");
            PGPSecretKeyRing secret;
            try {
                secret = PGPainless.readKeyRing().secretKeyRing(read(key, "--key"));
            } catch (Exception e) {
                secret = null;
            }
            if (secret == null) throw new Main.UsageException("--key: not an OpenPGP secret key: " + key);
            Optional<PGPPublicKeyRing> bot = Optional.empty();
            if (botKey != null) {
                PGPPublicKeyRing ring;
                try {
                    ring = PGPainless.readKeyRing().publicKeyRing(read(botKey, "--bot-key"));
                } catch (Exception e) {
                    ring = null;
                }
                if (ring == null) throw new Main.UsageException("--bot-key: not an OpenPGP public key: " + botKey);
                bot = Optional.of(ring);
            }
            ReferralOpener.Opened opened;
            try {
                opened = ReferralOpener.open(message, secret, bot);
            } catch (ReferralException e) {
                throw new Main.UsageException(e.getMessage());
            }
            PrintStream out = Streams.stdout();
            out.print(opened.text());
            out.println("----");
            if (bot.isEmpty()) {
                out.println("signature: not checked (give --bot-key to check that the Dari bot sent this)");
                return 0;
            }
            if (opened.signatureVerified()) {
                out.println("signature: good, from the Dari bot key " + KeyCheck.grouped(KeyCheck.fingerprint(bot.get().getPublicKey())));
                return 0;
            }
            out.println("signature: NOT VERIFIED: this referral was not signed by that bot key; do not trust it");
            return Main.EXIT_FAILURE;
        }

        private static byte[] read(Path path, String what) throws Main.UsageException {
            try {
                if (!Files.isRegularFile(path)) throw new Main.UsageException(what + ": file not found: " + path);
                if (Files.size(path) > 16L << 20) throw new Main.UsageException(what + ": file too large: " + path);
                return Files.readAllBytes(path);
            } catch (java.io.IOException e) {
                throw new Main.UsageException(what + ": cannot be read: " + path);
            }
        }
    }
}
