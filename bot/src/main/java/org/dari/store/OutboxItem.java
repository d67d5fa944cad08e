package org.dari.store;

import java.time.Instant;

/**
 * A message waiting to be sent, with the file it carries, if any. {@code attempted}: a send was
 * recorded as begun and its outcome never recorded (a crash, or a store failure), so it may have gone out.
 */
public record OutboxItem(long id, String recipient, String text, int attempts, Instant createdAt, OutboxFile file,
                         boolean attempted) {
    public OutboxItem(long id, String recipient, String text, int attempts, Instant createdAt) {
        this(id, recipient, text, attempts, createdAt, null, false);
    }

    @Override
    public String toString() {
        return "OutboxItem[id=" + id + ", attempts=" + attempts + ", attempted=" + attempted + ", redacted]";
    }
}
