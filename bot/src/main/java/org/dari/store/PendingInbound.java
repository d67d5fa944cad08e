package org.dari.store;

import java.time.Instant;

/** A message accepted into the journal and not yet answered. */
public record PendingInbound(long id, String sender, String text, long timestamp, boolean hadAttachments,
                             Instant receivedAt) {
    @Override
    public String toString() {
        return "PendingInbound[id=" + id + ", redacted]";
    }
}
