package org.dari.store;

import java.time.Instant;

/** A message waiting to be sent. */
public record OutboxItem(long id, String recipient, String text, int attempts, Instant createdAt) {
    @Override
    public String toString() {
        return "OutboxItem[id=" + id + ", attempts=" + attempts + ", redacted]";
    }
}
