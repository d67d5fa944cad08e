package org.dari.conversation;

import java.time.Duration;

/** The retention figures the privacy notice states, taken from the running configuration. */
public record PrivacyFacts(Duration sessionIdle, Duration journalMax, Duration outboxMax,
                           Duration referralIdle, Duration disappearingTimer) {
}
