package org.dari.conversation;

import java.time.Duration;

/**
 * The retention figures the privacy notice states, taken from the running configuration, and
 * whether the Signal side can be made to forget a person (signal-cli's own daemon can,
 * signal-cli-rest-api cannot).
 */
public record PrivacyFacts(Duration sessionIdle, Duration journalMax, Duration outboxMax,
                           Duration referralIdle, Duration disappearingTimer, boolean signalForgets) {
    public PrivacyFacts(Duration sessionIdle, Duration journalMax, Duration outboxMax,
                        Duration referralIdle, Duration disappearingTimer) {
        this(sessionIdle, journalMax, outboxMax, referralIdle, disappearingTimer, false);
    }

    public PrivacyFacts withSignalForgets(boolean forgets) {
        return new PrivacyFacts(sessionIdle, journalMax, outboxMax, referralIdle, disappearingTimer, forgets);
    }
}
