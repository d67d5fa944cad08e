package org.dari.cli;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any bytes as {@code dari.yaml}: the loader either returns a configuration that passes its own
 * checks or throws {@link Config.ConfigException} with a message; never anything else. Regression
 * inputs: {@code ConfigFuzzTestInputs/anyConfigFile/}.
 */
class ConfigFuzzTest {
    private static Path dir;
    private static Path file;

    @BeforeAll
    static void folder() throws IOException {
        dir = Files.createTempDirectory("dari-config-fuzz");
        file = dir.resolve("dari.yaml");
    }

    @AfterAll
    static void cleanUp() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @FuzzTest(maxDuration = "10m")
    void anyConfigFile(byte[] input) throws IOException {
        Files.write(file, input);
        Config config;
        try {
            config = Config.load(file, Map.of());
        } catch (Config.ConfigException expected) {
            assertNotNull(expected.getMessage());
            return;
        }
        assertNotNull(config.signal());
        assertNotNull(config.thresholds());
        assertNotNull(config.privacyFacts());
        try {
            config.validate();
        } catch (Config.ConfigException e) {
            throw new AssertionError("a loaded configuration fails its own checks", e);
        }
        assertTrue(config.dispatcher().threads() > 0 && config.dispatcher().maxPending() > 0);
        assertTrue(config.rateLimit().burst() > 0 && config.rateLimit().perMinute() > 0);
        for (String path : new String[] {config.dataDir(), config.keys().keyFile(), config.knowledge().seedsDir(),
                config.knowledge().i18nDir(), config.referral().organisations()}) {
            Path.of(path); // every folder and file the bot will open is a path it can open
        }
    }
}
