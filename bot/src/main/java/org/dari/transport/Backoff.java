package org.dari.transport;

import java.time.Duration;
import java.util.random.RandomGenerator;

/**
 * Capped exponential backoff with jitter. The first retry after a reset is
 * immediate; then min, 2·min, 4·min … up to max, each drawn from the upper half
 * of its interval so that many clients do not retry in step. Not thread-safe:
 * one per loop.
 */
final class Backoff {
    private final long minNanos;
    private final long maxNanos;
    private final RandomGenerator random;
    private int failures;

    Backoff(Duration min, Duration max, RandomGenerator random) {
        if (min.isNegative() || min.isZero() || max.compareTo(min) < 0) throw new IllegalArgumentException("bad backoff bounds");
        this.minNanos = min.toNanos();
        this.maxNanos = max.toNanos();
        this.random = random;
    }

    Backoff(Duration min, Duration max) {
        this(min, max, RandomGenerator.getDefault());
    }

    /** The pause before the next attempt. */
    Duration next() {
        int n = failures;
        if (failures < Integer.MAX_VALUE) failures++;
        if (n == 0) return Duration.ZERO;
        int shift = Math.min(n - 1, 40);
        long base = minNanos << shift;
        if (base <= 0 || base > maxNanos || (base >> shift) != minNanos) base = maxNanos;
        long half = base / 2;
        return Duration.ofNanos(base - half + (half > 0 ? random.nextLong(half + 1) : 0));
    }

    /** After a success: the next failure is retried at once again. */
    void reset() {
        failures = 0;
    }

    int failures() {
        return failures;
    }
}
