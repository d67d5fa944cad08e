package org.dari.cli;

import org.dari.store.Vault;
import org.dari.transport.InboundMessage;
import org.dari.transport.MemoryTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The WAL's privacy bounds do not wait for the other timers: while a knowledge reload or a purge
 * holds their thread, what an answered message left in the WAL file is still truncated in time.
 */
class BotTimersTest {

    @Test
    void theWalIsTruncatedInTimeWhileTheReloadThreadIsBusy(@TempDir Path dir) throws Exception {
        Config config = Config.defaults().withDataDir(dir.resolve("data").toString());
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        AtomicInteger answered = new AtomicInteger();
        CountDownLatch reloadRunning = new CountDownLatch(1);
        CountDownLatch reloadMayEnd = new CountDownLatch(1);
        AtomicBoolean reloadEnded = new AtomicBoolean();
        MemoryTransport transport = new MemoryTransport(m -> { });
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, TestBots.HOME, transport, state, Registries.load(config, TestBots.HOME, quiet),
                     Clock.systemUTC(), quiet, (m, nanos) -> answered.incrementAndGet())) {
            bot.start();
            bot.onTimerThread(() -> { // a reload that takes a long time
                reloadRunning.countDown();
                try {
                    reloadMayEnd.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                reloadEnded.set(true);
            });
            assertTrue(reloadRunning.await(10, TimeUnit.SECONDS));

            transport.deliverAll(List.of(new InboundMessage("55555555-eeee-4eee-8eee-eeeeeeeeeeee",
                    "난민이 뭐예요", 1_764_000_000_000L, false)));
            assertTrue(bot.pipeline().awaitQuiet(30, TimeUnit.SECONDS), "answered and sent");
            assertEquals(1, answered.get());

            Path wal = dir.resolve("data").resolve(Vault.DATABASE_FILE + "-wal");
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            while (Files.exists(wal) && Files.size(wal) > 0 && System.nanoTime() < deadline) Thread.sleep(50);
            assertEquals(0, Files.exists(wal) ? Files.size(wal) : 0,
                    "the WAL is truncated within its bound (5 s) while the reload still runs");
            assertFalse(reloadEnded.get(), "control: the reload was still running");
            reloadMayEnd.countDown();
        }
    }
}
