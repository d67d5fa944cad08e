package org.dari.transport;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** The live counters behind {@link SignalStats}; safe to update from any thread. */
final class SignalCounters {
    final AtomicLong received = new AtomicLong();
    final AtomicLong delivered = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong malformed = new AtomicLong();
    final AtomicLong errorFrames = new AtomicLong();
    final AtomicLong exceptions = new AtomicLong();
    final AtomicLong reconnects = new AtomicLong();
    final AtomicLong sinkFailures = new AtomicLong();
    final AtomicLong abandoned = new AtomicLong();
    final AtomicLong attachmentsDeleted = new AtomicLong();
    final AtomicLong attachmentDeleteFailures = new AtomicLong();
    final AtomicLong unparsedSendResponses = new AtomicLong();
    final AtomicReference<SignalConfig.ReceiveMode> mode = new AtomicReference<>();
    private final Map<IgnoredKind, AtomicLong> ignored = new EnumMap<>(IgnoredKind.class);

    SignalCounters() {
        for (IgnoredKind kind : IgnoredKind.values()) ignored.put(kind, new AtomicLong());
    }

    void ignored(IgnoredKind kind) {
        ignored.get(kind).incrementAndGet();
    }

    SignalStats snapshot() {
        Map<IgnoredKind, Long> ignoredNow = new EnumMap<>(IgnoredKind.class);
        ignored.forEach((kind, count) -> {
            long n = count.get();
            if (n > 0) ignoredNow.put(kind, n);
        });
        return new SignalStats(mode.get(), received.get(), delivered.get(), ignoredNow, duplicates.get(), malformed.get(),
                errorFrames.get(), exceptions.get(), reconnects.get(), sinkFailures.get(), abandoned.get(),
                attachmentsDeleted.get(), attachmentDeleteFailures.get(), unparsedSendResponses.get());
    }
}
