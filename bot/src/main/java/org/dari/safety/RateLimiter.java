package org.dari.safety;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.time.Clock;
import java.time.Duration;

/**
 * A token bucket per person: a burst of messages, then a steady rate. Buckets
 * live in memory, bounded, and vanish when idle.
 */
public final class RateLimiter {
    public enum Verdict { ALLOW, WARN, DROP }

    private final Cache<String, Bucket> buckets;
    private final Clock clock;
    private final int burst;
    private final double perMilli;

    public RateLimiter(int burst, int perMinute, Clock clock) {
        if (burst < 1 || perMinute < 1) throw new IllegalArgumentException("rate limits must be positive");
        this.burst = burst;
        this.perMilli = perMinute / 60_000.0;
        this.clock = clock;
        this.buckets = Caffeine.newBuilder().expireAfterAccess(Duration.ofMinutes(10)).maximumSize(200_000).build();
    }

    /** ALLOW within the limit; WARN the first time over it (tell the person once); DROP after that. */
    public Verdict check(String key) {
        Bucket b = buckets.get(key, k -> new Bucket(burst, clock.millis()));
        synchronized (b) {
            long now = clock.millis();
            b.tokens = Math.min(burst, b.tokens + (now - b.updated) * perMilli);
            b.updated = now;
            if (b.tokens >= 1) {
                b.tokens -= 1;
                b.warned = false;
                return Verdict.ALLOW;
            }
            if (b.warned) return Verdict.DROP;
            b.warned = true;
            return Verdict.WARN;
        }
    }

    private static final class Bucket {
        double tokens;
        long updated;
        boolean warned;

        Bucket(double tokens, long updated) {
            this.tokens = tokens;
            this.updated = updated;
        }
    }

    /** Forgets the person's counters (she erased everything). */
    public void forget(String key) {
        buckets.invalidate(key);
    }
}
