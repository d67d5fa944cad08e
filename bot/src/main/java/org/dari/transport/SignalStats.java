package org.dari.transport;

import java.util.Map;

/**
 * Content-free counters of a {@link SignalTransport}, for tests, health checks and logs.
 *
 * @param mode                     the receive mode in use, or {@code null} before it is known
 * @param received                 events read from the server (array elements or frames)
 * @param delivered                messages accepted by the sink
 * @param ignored                  events not delivered, by kind
 * @param duplicates               messages dropped because the same sender and timestamp were seen before
 * @param malformed                events or bodies that could not be understood and were skipped
 * @param errorFrames              {@code {"error":…}} frames / events from the server
 * @param exceptions               events that carried an {@code "exception"} field
 * @param reconnects               retries after the server could not be reached, refused to receive, or closed the connection
 * @param sinkFailures             times the sink threw and a delivery was retried
 * @param abandoned                messages still undelivered when the transport was closed
 * @param attachmentsDeleted       attachments deleted on the server
 * @param attachmentDeleteFailures attachments the server would not delete
 * @param unparsedSendResponses    2xx send answers that could not be read (treated as sent)
 */
public record SignalStats(SignalConfig.ReceiveMode mode, long received, long delivered, Map<IgnoredKind, Long> ignored,
                          long duplicates, long malformed, long errorFrames, long exceptions, long reconnects,
                          long sinkFailures, long abandoned, long attachmentsDeleted, long attachmentDeleteFailures,
                          long unparsedSendResponses) {
    public SignalStats {
        ignored = Map.copyOf(ignored);
    }

    public long ignored(IgnoredKind kind) {
        return ignored.getOrDefault(kind, 0L);
    }

    public long ignoredTotal() {
        return ignored.values().stream().mapToLong(Long::longValue).sum();
    }
}
