package org.dari.cli;

import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The bot's SQLite file locked by another process, and its disk full: the bot says so in its log,
 * loses nothing, and answers everything once the condition clears, once each.
 */
class StoreFaultsTest {
    private static final Duration STARTUP = Duration.ofMinutes(3);
    private static final Duration WAIT = Duration.ofSeconds(40);
    private final AtomicLong clock = new AtomicLong(1_755_379_200_000L);
    private final List<String> people = new ArrayList<>();

    /**
     * The bot owns its database file exclusively (a second bot must not write to it). Another
     * process holding it (a backup, a second bot): the bot refuses to start with a clear error and
     * takes nothing from Signal meanwhile; once the other lets go, it starts and answers everything.
     */
    @Test
    void aDatabaseLockedByAnotherProcessDelaysButLosesNothing(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        try (FakeSignalServer server = FakeSignalServer.normal()) {
            Config config = TestBots.load(TestBots.signalConfig(dir, server, data));
            try (TestBots.Running bot = TestBots.run(config)) {
                writeFrom(server, 1);
                awaitAnswers(server, "the first answer");
            }
            Thread.sleep(1500); // the stopped bot's last long poll runs out at the server
            try (Connection other = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("dari.db"));
                 Statement s = other.createStatement()) {
                s.execute("PRAGMA locking_mode = EXCLUSIVE");
                s.execute("BEGIN EXCLUSIVE");
                s.execute("CREATE TABLE held_by_another (x)");
                writeFrom(server, 3);
                var refused = org.junit.jupiter.api.Assertions.assertThrows(org.dari.store.VaultException.class,
                        () -> RunCommand.run(config, TestBots.HOME, new java.util.concurrent.CountDownLatch(0), true));
                assertEquals(org.dari.store.VaultException.Problem.IN_USE, refused.problem(), "a clear error");
                assertTrue(refused.getMessage().contains("in use by another process"), refused.getMessage());
                assertEquals(3, server.pending(), "nothing taken from Signal while the bot cannot store it");
                s.execute("ROLLBACK");
            }
            try (TestBots.Running bot = TestBots.run(config)) {
                awaitAnswers(server, "the answers once the lock is gone");
                Thread.sleep(1000);
            }
            assertOncePerPerson(server);
        }
    }

    @Test
    void aFullDiskDelaysButLosesNothing(@TempDir Path dir) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        assumeTrue(mountSmallTmpfs(data), "needs root to mount a size-limited tmpfs (CI runs as root)");
        try {
            String log = withLogs(() -> {
                try (FakeSignalServer server = FakeSignalServer.normal();
                     TestBots.Running bot = TestBots.run(TestBots.load(TestBots.signalConfig(dir, server, data)))) {
                    writeFrom(server, 1);
                    awaitAnswers(server, "the first answer");
                    Path filler = data.resolve("filler");
                    fill(filler);
                    writeFrom(server, 40);
                    Thread.sleep(4000);
                    Files.delete(filler);
                    awaitAnswers(server, "the answers once there is room again");
                    Thread.sleep(1000);
                    assertOncePerPerson(server);
                }
            });
            assertTrue(log.contains("vault.write_failed problem="), "the failing store is reported");
            assertTrue(log.contains("pipeline.answer_not_stored") || log.contains("signal.receive.sink_failed"),
                    "what waits because of it is reported");
        } finally {
            run("umount", "-l", data.toString());
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static String withLogs(Body body) throws Exception {
        PrintStream originalErr = System.err;
        ByteArrayOutputStream logs = new ByteArrayOutputStream();
        System.setErr(new PrintStream(logs, true, StandardCharsets.UTF_8));
        try {
            body.run();
        } catch (Exception | AssertionError e) {
            System.setErr(originalErr);
            System.err.println(logs.toString(StandardCharsets.UTF_8));
            throw e;
        } finally {
            System.setErr(originalErr);
        }
        return logs.toString(StandardCharsets.UTF_8);
    }

    private static boolean mountSmallTmpfs(Path dir) throws Exception {
        return run("id", "-u").equals("0") && run("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", dir.toString()) != null;
    }

    /** Output of a command that succeeded, else null. */
    private static String run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
    }

    private static void fill(Path filler) {
        byte[] block = new byte[64 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            while (true) out.write(block);
        } catch (IOException e) {
            // no space left on the device, as intended
        }
    }

    private void writeFrom(FakeSignalServer server, int n) {
        for (int i = 0; i < n; i++) {
            String person = UUID.randomUUID().toString();
            people.add(person);
            server.push(Envelopes.text(person, null, clock.incrementAndGet(), i % 2 == 0 ? "메뉴" : "menu"));
        }
    }

    private void awaitAnswers(FakeSignalServer server, String what) throws InterruptedException {
        // the first answer also waits for the bot to start (its signing key is made then): slow on a busy machine
        TestBots.await(what, people.size() <= 4 && server.deliveredSends().isEmpty() ? STARTUP : WAIT, () -> SignalFaultsTest.answersPerPerson(server).keySet().containsAll(people));
    }

    private void assertOncePerPerson(FakeSignalServer server) {
        Map<String, Integer> answers = SignalFaultsTest.answersPerPerson(server);
        for (String person : people) assertEquals(1, answers.getOrDefault(person, 0), "one answer per message");
        assertEquals(people.size(), answers.size(), "answers only to those who wrote");
    }
}
