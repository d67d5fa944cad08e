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
