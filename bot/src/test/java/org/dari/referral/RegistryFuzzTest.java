package org.dari.referral;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as {@code organisations.yaml}, next to the demo keys: the registry either loads with
 * every promise it makes kept (unique ids and accounts, verified safety numbers, an active
 * organisation has a key and a caseworker) or is refused with {@link RegistryException}; nothing
 * else escapes. Regression inputs: {@code RegistryFuzzTestInputs/anyRegistryFile/}.
 */
class RegistryFuzzTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2026-11-28T00:00:00Z"), ZoneOffset.UTC);
    private static final Path HOME = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize();
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dari-registry-fuzz");
        Files.createDirectories(dir.resolve("demo"));
        for (String key : new String[] {"demo-organisation.asc", "demo-organisation.SECRET-DEMO-ONLY.asc"}) {
            Files.copy(HOME.resolve("config/demo").resolve(key), dir.resolve("demo").resolve(key));
        }
        file = dir.resolve("organisations.yaml");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    @FuzzTest(maxDuration = "10m")
    void anyRegistryFile(byte[] input) throws IOException {
        Files.write(file, input);
        OrganisationRegistry registry;
        try {
            registry = OrganisationRegistry.load(file, CLOCK);
        } catch (RegistryException refused) {
            assertFalse(refused.getMessage() == null || refused.getMessage().isBlank(), "a refusal says why");
            return;
        }
        Set<String> ids = new HashSet<>();
        Set<String> accounts = new HashSet<>();
        for (Organisation o : registry.organisations()) {
            assertTrue(ids.add(o.id()), "organisation ids are unique");
            assertFalse(o.nameKo().isBlank() || o.nameEn().isBlank());
            assertFalse(o.services().isEmpty());
            assertFalse(o.languages().isEmpty());
            if (o.active()) {
                assertFalse(o.keys().isEmpty(), "an active organisation has a key");
                assertFalse(o.caseworkers().isEmpty(), "an active organisation has a caseworker");
            }
            if (!o.demo()) {
                for (OrgKey k : o.keys()) assertFalse(DemoOrganisation.FINGERPRINT.equals(k.fingerprint()), "the public demo key only for demo");
            }
            for (Caseworker c : o.caseworkers()) {
                assertTrue(accounts.add(c.account()), "a caseworker account belongs to one organisation");
                assertTrue(c.safetyNumber().matches("[0-9]{60}"));
                assertEquals(o, registry.organisationOf(c.account()).orElseThrow());
            }
        }
    }
}
