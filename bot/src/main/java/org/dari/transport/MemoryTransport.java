package org.dari.transport;

import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * A transport inside the process, for measuring the bot without a network: messages handed to
 * {@link #deliver} go to the sink as a Signal transport would hand them; sends are counted and
 * passed to an observer. Every caseworker's identity counts as verified.
 */
public final class MemoryTransport implements Transport {
    private final Consumer<OutboundMessage> onSend;
    private final LongAdder sends = new LongAdder();
    private final LongAdder timers = new LongAdder();
    private volatile InboundSink sink;

    public MemoryTransport(Consumer<OutboundMessage> onSend) {
        this.onSend = onSend;
    }

    @Override
    public void start(InboundSink sink) {
        this.sink = sink;
    }

    /** Hands one message to the bot; returns once it is accepted (journaled). */
    public void deliver(InboundMessage message) throws Exception {
        InboundSink s = sink;
        if (s == null) throw new IllegalStateException("transport not started");
        s.accept(message);
    }

    /** Hands several messages to the bot at once, as one poll answer would; returns once all are journaled. */
    public void deliverAll(java.util.List<InboundMessage> messages) throws Exception {
        InboundSink s = sink;
        if (s == null) throw new IllegalStateException("transport not started");
        if (s instanceof BatchSink batches) {
            batches.acceptAll(messages);
        } else {
            for (InboundMessage m : messages) s.accept(m);
        }
    }

    @Override
    public void send(OutboundMessage message) {
        sends.increment();
        onSend.accept(message);
    }

    @Override
    public void setDisappearingTimer(String recipient, int seconds) {
        timers.increment();
    }

    @Override
    public boolean identityMatches(String recipient, String safetyNumber) {
        return true;
    }

    public long sends() {
        return sends.sum();
    }

    public long timersSet() {
        return timers.sum();
    }

    @Override
    public void close() {
        sink = null;
    }
}
