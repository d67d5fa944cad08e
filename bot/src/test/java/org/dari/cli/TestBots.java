package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.transport.FakeSignalServer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.function.BooleanSupplier;

/** Shared set-up for tests that run the whole bot. */
final class TestBots {
    static final Home HOME = new Home(Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize());

    private TestBots() {
    }

    /** A config file for a bot on the fake Signal server, with its data in {@code dataDir}. */
    static Path signalConfig(Path dir, FakeSignalServer server, Path dataDir) throws IOException {
        Path file = dir.resolve("dari.yaml");
        Files.writeString(file, """
                data_dir: %s
                signal:
                  url: %s
                  number: "%s"
                  receive_mode: auto
                  poll_timeout_seconds: 1
                retention:
                  purge_interval_minutes: 60
                knowledge:
                  reload_seconds: 1
                """.formatted(dataDir, server.baseUrl(), FakeSignalServer.BOT_NUMBER));
        return file;
    }

    static Config load(Path file) throws Config.ConfigException {
        return Config.load(file, Map.of());
    }

    /** The bot of {@code dari run}, in a background thread; stop it with the returned handle. */
    static Running run(Config config) {
        CountDownLatch stop = new CountDownLatch(1);
        Thread thread = new Thread(() -> {
            try {
                RunCommand.run(config, HOME, stop, true);
            } catch (Exception e) {
                throw new IllegalStateException(e.getClass().getSimpleName(), e);
            }
        }, "test-bot");
        thread.start();
        return new Running(stop, thread);
    }

    record Running(CountDownLatch stop, Thread thread) implements AutoCloseable {
        @Override
        public void close() throws InterruptedException {
            stop.countDown();
            thread.join(20_000);
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(25);
        }
    }

    static List<JsonNode> sendsTo(FakeSignalServer server, String recipient) {
        return server.sends().stream()
                .filter(s -> s.path("recipients").path(0).asText().equals(recipient))
                .toList();
    }

    static String text(JsonNode send) {
        return send.path("message").asText();
    }
}
