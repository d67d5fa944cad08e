package org.dari.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BackoffTest {
    private static final Duration MIN = Duration.ofMillis(100);
    private static final Duration MAX = Duration.ofSeconds(5);

    @Test
    void firstRetryIsImmediateThenGrowsWithJitterUpToTheCap() {
        Backoff backoff = new Backoff(MIN, MAX, new Random(7));
        assertEquals(Duration.ZERO, backoff.next());
        long expectedBase = MIN.toMillis();
        for (int i = 0; i < 12; i++) {
            Duration d = backoff.next();
            long base = Math.min(expectedBase, MAX.toMillis());
            assertTrue(d.toMillis() >= base / 2 && d.toMillis() <= base, "attempt " + i + ": " + d + " base " + base);
            expectedBase *= 2;
        }
        for (int i = 0; i < 100; i++) assertTrue(backoff.next().compareTo(MAX) <= 0);
    }

    @Test
    void jitterSpreadsTheDelays() {
        Backoff a = new Backoff(MIN, MAX, new Random(1));
        Backoff b = new Backoff(MIN, MAX, new Random(2));
        boolean differs = false;
        for (int i = 0; i < 8; i++) differs |= !a.next().equals(b.next());
        assertTrue(differs);
    }

    @Test
    void resetStartsOverAtOnce() {
        Backoff backoff = new Backoff(MIN, MAX);
        for (int i = 0; i < 5; i++) backoff.next();
        backoff.reset();
        assertEquals(Duration.ZERO, backoff.next());
        assertTrue(backoff.next().compareTo(MIN) <= 0);
    }

    @Test
    void manyFailuresDoNotOverflow() {
        Backoff backoff = new Backoff(Duration.ofNanos(1), Duration.ofDays(3650));
        for (int i = 0; i < 500; i++) {
            Duration d = backoff.next();
            assertTrue(!d.isNegative() && d.compareTo(Duration.ofDays(3650)) <= 0);
        }
    }
}
