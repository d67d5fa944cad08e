package org.dari.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A sink that keeps what it accepts; can be told to refuse the first few offers. */
final class RecordingSink implements InboundSink {
    private final List<InboundMessage> accepted = new ArrayList<>();
    private final AtomicInteger offers = new AtomicInteger();
    private final AtomicInteger refusalsLeft;
    private final String failureText;
    private volatile boolean throwErrors;

    RecordingSink() {
        this(0, "journal unavailable");
    }

    /** Throws on the first {@code refusals} offers, with {@code failureText} as the exception message. */
    RecordingSink(int refusals, String failureText) {
        this.refusalsLeft = new AtomicInteger(refusals);
        this.failureText = failureText;
    }

    @Override
    public void accept(InboundMessage message) throws Exception {
        offers.incrementAndGet();
        if (refusalsLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            if (throwErrors) throw new AssertionError(failureText);
            throw new IllegalStateException(failureText);
        }
        synchronized (accepted) {
            accepted.add(message);
        }
    }

    /** Refuse with an Error instead of an Exception (a bug in the sink, not a full journal). */
    RecordingSink throwingErrors() {
        throwErrors = true;
        return this;
    }

    List<InboundMessage> messages() {
        synchronized (accepted) {
            return List.copyOf(accepted);
        }
    }

    int offers() {
        return offers.get();
    }

    /** Waits until at least {@code n} messages were accepted; returns them. */
    List<InboundMessage> await(int n, Duration timeout) {
        Await.until(() -> messages().size() >= n, timeout, () -> "expected " + n + " messages, got " + messages().size());
        return messages();
    }
}
