package org.dari.safety;

import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;

class RateLimiterTest {
    private final AtomicLong now = new AtomicLong(Instant.parse("2026-11-22T00:00:00Z").toEpochMilli());
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(now.get());
        }
    };

    @Test
    void aBurstThenOneWarningThenSilenceThenRecovery() {
        RateLimiter limiter = new RateLimiter(3, 6, clock);
        for (int i = 0; i < 3; i++) assertEquals(RateLimiter.Verdict.ALLOW, limiter.check("flooder"));
        assertEquals(RateLimiter.Verdict.WARN, limiter.check("flooder"), "told once");
        for (int i = 0; i < 100; i++) assertEquals(RateLimiter.Verdict.DROP, limiter.check("flooder"));
        assertEquals(RateLimiter.Verdict.ALLOW, limiter.check("someone else"), "others are not affected");
        now.addAndGet(Duration.ofSeconds(10).toMillis()); // 6 per minute: one token per 10 s
        assertEquals(RateLimiter.Verdict.ALLOW, limiter.check("flooder"));
        assertEquals(RateLimiter.Verdict.WARN, limiter.check("flooder"), "a new flood is told again");
    }
}
