package org.dari.transport;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
    private final BlockingQueue<InboundMessage> arriving = new LinkedBlockingQueue<>(10_000);
    private Thread receiver;

    public MemoryTransport(Consumer<OutboundMessage> onSend) {
        this.onSend = onSend;
    }

    @Override
    public void start(InboundSink sink) {
        this.sink = sink;
    }

    /** Hands one message to the bot; returns once it is stored (answer queued, or journaled). */
    public void deliver(InboundMessage message) throws Exception {
        InboundSink s = sink;
        if (s == null) throw new IllegalStateException("transport not started");
        s.accept(message);
    }

    /** Hands several messages to the bot at once, as one poll answer would; returns once all are stored. */
    public void deliverAll(List<InboundMessage> messages) throws Exception {
        InboundSink s = sink;
        if (s == null) throw new IllegalStateException("transport not started");
        if (s instanceof BatchSink batches) {
            batches.acceptAll(messages);
        } else {
            for (InboundMessage m : messages) s.accept(m);
        }
    }

    /**
     * A message arriving as a websocket frame or a server-sent event does: queued, then stored by
     * the receiving thread together with whatever else is already waiting (up to {@value
     * InboundPipeline#MAX_BATCH}), in order, as the Signal transports do. Waits while 10,000 are queued.
     */
    public void arrive(InboundMessage message) throws InterruptedException {
        startReceiving();
        arriving.put(message);
    }

    private synchronized void startReceiving() {
        if (receiver != null) return;
        receiver = new Thread(this::receive, "dari-memory-receive");
        receiver.setDaemon(true);
        receiver.start();
    }

    private void receive() {
        List<InboundMessage> batch = new ArrayList<>();
        try {
            while (true) {
                batch.add(arriving.take());
                arriving.drainTo(batch, InboundPipeline.MAX_BATCH - 1);
                while (true) {
                    try {
                        deliverAll(batch);
                        break;
                    } catch (InterruptedException e) {
                        throw e;
                    } catch (Exception e) {
                        Thread.sleep(10); // the journal refused: offered again, as the Signal transports do
                    }
                }
                batch.clear();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
    public synchronized void close() {
        if (receiver != null) receiver.interrupt();
        sink = null;
    }
}
