package org.dari.cli;

import org.dari.referral.OrganisationRegistry;
import org.dari.referral.RegistryException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/** Opens the organisation registry the configuration names; an invalid registry stops the start. */
final class Registries {
    private Registries() {
    }

    /**
     * Loads and checks the registry (every key check included) on its own thread, beside the store's
     * opening and the knowledge build: the bot waits for it before anything can be referred.
     */
    static Aside<OrganisationRegistry> loadAside(Config config, Home home, PrintStream adminOut) {
        return Aside.start("dari-registry", () -> load(config, home, adminOut));
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
