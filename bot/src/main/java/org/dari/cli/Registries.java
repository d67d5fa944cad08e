package org.dari.cli;

import org.dari.referral.OrganisationRegistry;
import org.dari.referral.RegistryException;

import java.io.PrintStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the organisation registry the configuration names; an invalid registry stops the start. */
final class Registries {
    private Registries() {
    }

    /** A registry being loaded and checked; {@link #get} waits for the verdict. */
    interface Pending {
        OrganisationRegistry get() throws Main.UsageException;

        static Pending of(OrganisationRegistry registry) {
            return () -> registry;
        }
    }

    /**
     * Loads and checks the registry (every key check included) on its own thread, beside the
     * knowledge build: the bot waits for it before anything can be referred.
     */
    static Pending loadAside(Config config, Home home, PrintStream adminOut) {
        CompletableFuture<OrganisationRegistry> loading = CompletableFuture.supplyAsync(() -> {
            try {
                return load(config, home, adminOut);
            } catch (Main.UsageException e) {
                throw new CompletionException(e);
            }
        }, task -> {
            Thread t = new Thread(task, "dari-registry");
            t.setDaemon(true);
            t.start();
        });
        return () -> {
            try {
                return loading.join();
            } catch (CompletionException e) {
                if (e.getCause() instanceof Main.UsageException u) throw u;
                if (e.getCause() instanceof RuntimeException r) throw r;
                throw e;
            }
        };
    }

    static OrganisationRegistry load(Config config, Home home, PrintStream adminOut) throws Main.UsageException {
        Path file = home.resolve(config.referral().organisations());
        try {
            OrganisationRegistry registry = OrganisationRegistry.load(file, Clock.systemUTC());
            registry.warnings().forEach(w -> adminOut.println("dari: warning: " + w));
            return registry;
        } catch (RegistryException e) {
            e.problems().forEach(p -> adminOut.println("dari: " + p));
            throw new Main.UsageException("the organisation registry is not valid; run: dari org validate");
        }
    }
}
