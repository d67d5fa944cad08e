package org.dari.store;

import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Vault#purgeExpired()} every {@code interval} (the vault also purges when it opens).
 * A failed run is logged and the schedule goes on.
 */
public final class Purger implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Purger.class);

    private final ScheduledFuture<?> task;
    private final ScheduledExecutorService ownedExecutor;

    /** Schedules on {@code executor}, which the caller owns and shuts down. */
    public Purger(Vault vault, ScheduledExecutorService executor, Duration interval) {
        this(vault, executor, interval, null);
    }

    private Purger(Vault vault, ScheduledExecutorService executor, Duration interval, ScheduledExecutorService owned) {
        if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("interval must be positive");
        long millis = interval.toMillis();
        this.ownedExecutor = owned;
        this.task = executor.scheduleWithFixedDelay(() -> runOnce(vault), millis, millis, TimeUnit.MILLISECONDS);
    }

    /** Schedules on a daemon thread of its own, stopped by {@link #close()}. */
    public static Purger start(Vault vault, Duration interval) {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "dari-purger");
            t.setDaemon(true);
            return t;
        });
        return new Purger(vault, executor, interval, executor);
    }

    private static void runOnce(Vault vault) {
        try {
            vault.purgeExpired();
        } catch (RuntimeException e) {
            LOG.warn("vault.purge.failed", "error", SafeLog.kind(e));
        }
    }

    @Override
    public void close() {
        task.cancel(false);
        if (ownedExecutor != null) {
            ownedExecutor.shutdown();
            try {
                ownedExecutor.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
