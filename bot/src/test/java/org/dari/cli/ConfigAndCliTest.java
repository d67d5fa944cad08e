package org.dari.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigAndCliTest {

    @Test
    void theDocumentedExampleLoadsAndMatchesTheDefaults() throws Exception {
        Config example = Config.load(TestBots.HOME.resolve("config/dari.example.yaml"), Map.of());
        Config defaults = Config.defaults();
        assertEquals(defaults.retention(), example.retention());
        assertEquals(defaults.dispatcher(), example.dispatcher());
        assertEquals(defaults.rateLimit(), example.rateLimit());
        assertEquals(defaults.disappearingTimerHours(), example.disappearingTimerHours());
        assertEquals(defaults.thresholds(), example.thresholds(), "the example states the tuned thresholds");
    }

    @Test
    void environmentOverridesTheFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "signal:\n  url: http://10.0.0.1:8080\n  number: \"+4915100000000\"\n");
        Config c = Config.load(file, Map.of("DARI_SIGNAL_URL", "http://127.0.0.1:9999", "DARI_DATA_DIR", "/tmp/x"));
        assertEquals("http://127.0.0.1:9999", c.signal().url());
        assertEquals("+4915100000000", c.signal().number());
        assertEquals("/tmp/x", c.dataDir());
    }

    @Test
    void theSignalTransportIsChosenInTheConfig(@TempDir Path dir) throws Exception {
        assertEquals("rest", Config.defaults().signal().transport(), "signal-cli-rest-api unless told otherwise");
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "signal:\n  transport: signal-cli\n  url: http://127.0.0.1:7583\n  number: \"+4915100000000\"\n");
        Config c = Config.load(file, Map.of());
        assertEquals("signal-cli", c.signal().transport());
        try (var transport = RunCommand.transport(c).get()) {
            assertTrue(transport instanceof org.dari.transport.SignalCliTransport);
        }
        Config rest = Config.load(file, Map.of("DARI_SIGNAL_TRANSPORT", "rest"));
        try (var transport = RunCommand.transport(rest).get()) {
            assertTrue(transport instanceof org.dari.transport.SignalTransport);
        }
        Files.writeString(file, "signal:\n  transport: signal-cli-rest\n");
        var invalid = assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of()));
        assertTrue(invalid.getMessage().contains("signal.transport"), invalid.getMessage());
    }

    @Test
    void theSendTimeoutReachesBothTransports(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "signal:\n  transport: signal-cli\n  number: \"+4915100000000\"\n  send_timeout_seconds: 7\n");
        Config c = Config.load(file, Map.of());
        assertEquals(java.time.Duration.ofSeconds(7), RunCommand.signalCliConfig(c).readTimeout());
        assertEquals(java.time.Duration.ofSeconds(7), RunCommand.signalConfig(c).readTimeout());
        Files.writeString(file, "signal:\n  number: \"+4915100000000\"\n");
        Config defaults = Config.load(file, Map.of());
        assertEquals(java.time.Duration.ofSeconds(60), RunCommand.signalCliConfig(defaults).readTimeout(), "signal-cli's own default");
        assertEquals(java.time.Duration.ofSeconds(30), RunCommand.signalConfig(defaults).readTimeout(), "the REST default");
        Files.writeString(file, "signal:\n  send_timeout_seconds: 0\n");
        var invalid = assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of()));
        assertTrue(invalid.getMessage().contains("signal.send_timeout_seconds"), invalid.getMessage());
    }

    @Test
    void badConfigurationIsOneClearLine(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "retention:\n  session_idle_minutes: 30\n  sesion_typo: 3\n");
        var unknown = assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of()));
        assertTrue(unknown.getMessage().contains("sesion_typo"));

        Files.writeString(file, "retention:\n  session_idle_minutes: soon\n");
        var type = assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of()));
        assertTrue(type.getMessage().contains("session_idle_minutes"), type.getMessage());

        Files.writeString(file, "retention:\n  session_idle_minutes: -1\nsignal:\n  receive_mode: carrier-pigeon\n");
        var invalid = assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of()));
        assertTrue(invalid.getMessage().contains("session_idle_minutes") && invalid.getMessage().contains("receive_mode"));

        Files.writeString(file, "signal: [unclosed\n");
        assertTrue(assertThrows(Config.ConfigException.class, () -> Config.load(file, Map.of())).getMessage().contains("not valid YAML"));
    }

    @Test
    void unknownOptionsAndBadConfigExitTwoWithoutAStackTrace(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("c.yaml");
        Files.writeString(file, "nonsense: 1\n");
        for (String[] args : new String[][] {{"console", "--bogus"}, {"run", "--config", file.toString()}, {"frobnicate"},
                {"kb", "eval", dir.resolve("missing.tsv").toString()}}) {
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            var cli = Main.commandLine();
            cli.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
            assertEquals(2, cli.execute(args), String.join(" ", args));
            String text = err.toString(StandardCharsets.UTF_8);
            assertTrue(text.startsWith("dari: "), text);
            assertEquals(1, text.strip().lines().count(), "one line: " + text);
            assertFalse(text.contains("\tat "), "no stack trace");
        }
    }

    @Test
    void everyCommandHasHelp() {
        for (String[] args : new String[][] {{"--help"}, {"console", "--help"}, {"run", "--help"}, {"kb", "--help"},
                {"kb", "ask", "--help"}, {"kb", "eval", "--help"}, {"kb", "validate", "--help"}, {"keys", "rotate", "--help"}}) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            var cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
            assertEquals(0, cli.execute(args), String.join(" ", args));
            assertTrue(out.toString(StandardCharsets.UTF_8).contains("Usage:"), String.join(" ", args));
        }
    }
}
