package org.dari.referral;

import java.util.Objects;

/**
 * A caseworker's Signal account (UUID, +number, or a console name in the demo) and the safety
 * number verified out of band. Both stay out of logs and messages: {@link #toString()} is redacted.
 */
public record Caseworker(String account, String safetyNumber) {
    public Caseworker {
        Objects.requireNonNull(account, "account");
        Objects.requireNonNull(safetyNumber, "safetyNumber");
    }

    @Override
    public String toString() {
        return "Caseworker[redacted]";
    }
}
