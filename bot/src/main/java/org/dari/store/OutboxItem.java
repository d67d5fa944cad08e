package org.dari.store;

import java.time.Instant;

/** A message waiting to be sent, with the file it carries, if any. */
public record OutboxItem(long id, String recipient, String text, int attempts, Instant createdAt, OutboxFile file) {
    public OutboxItem(long id, String recipient, String text, int attempts, Instant createdAt) {
        this(id, recipient, text, attempts, createdAt, null);
    }

    @Override
    public String toString() {
        return "OutboxItem[id=" + id + ", attempts=" + attempts + ", redacted]";
    }
}
