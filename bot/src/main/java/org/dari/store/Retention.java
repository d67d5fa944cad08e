package org.dari.store;

import java.time.Duration;
import java.util.Objects;

/**
 * How long things are kept.
 *
 * @param sessionIdle  idle conversation state, kept in memory only; the store carries the number
 *                     for the privacy notice
 * @param journalMax   an accepted message that was never answered is dropped after this long
 * @param outboxMax    a reply that could not be delivered is dropped after this long
 * @param referralIdle an open referral without activity expires after this long
 */
public record Retention(Duration sessionIdle, Duration journalMax, Duration outboxMax, Duration referralIdle) {
    public static final Retention DEFAULTS =
            new Retention(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7), Duration.ofDays(30));

    public Retention {
        for (Duration d : new Duration[] {sessionIdle, journalMax, outboxMax, referralIdle}) {
            Objects.requireNonNull(d, "retention");
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("retention must be positive");
        }
    }
}
