package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.log.SafeLog;
import org.dari.safety.RateLimiter;
import org.dari.transport.InboundMessage;
import org.dari.transport.BatchSink;
import org.dari.transport.OutboundMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * transport → journal → dispatcher → conversation → outbox → delivery.
 * A message is journaled before it is taken as received and leaves the journal
 * only in the same step that queues its answer, so a crash anywhere in between
 * ends with the answer queued once after restart (how often it is then sent is
 * {@link Delivery}'s guarantee).
 */
public final class Pipeline implements BatchSink, AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Pipeline.class);
    private static final long COMPLETE_RETRY_MIN_MS = 100;
    private static final long COMPLETE_RETRY_MAX_MS = 60_000;

    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "dari-complete-retry");
        t.setDaemon(true);
        return t;
    });

    private final MessageStore store;
    private final Dispatcher dispatcher;
    private final Conversation conversation;
    private final Sessions sessions;
    private final RateLimiter limiter;
    private final Messages messages;
    private final Delivery delivery;
    private final UnaryOperator<String> personKey;
    private final Listener listener;

    /** Told when a message's answer is queued; for measuring (dari bench). */
    @FunctionalInterface
    public interface Listener {
        Listener NONE = (message, acceptedNanos) -> { };

        /** @param acceptedNanos {@link System#nanoTime()} when the transport handed the message over */
        void answered(InboundMessage message, long acceptedNanos);
    }

    public Pipeline(MessageStore store, Dispatcher dispatcher, Conversation conversation, Sessions sessions,
                    RateLimiter limiter, Messages messages, Delivery delivery, UnaryOperator<String> personKey) {
        this(store, dispatcher, conversation, sessions, limiter, messages, delivery, personKey, Listener.NONE);
    }

    public Pipeline(MessageStore store, Dispatcher dispatcher, Conversation conversation, Sessions sessions,
                    RateLimiter limiter, Messages messages, Delivery delivery, UnaryOperator<String> personKey,
                    Listener listener) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.conversation = conversation;
        this.sessions = sessions;
        this.limiter = limiter;
        this.messages = messages;
        this.delivery = delivery;
        this.personKey = personKey;
        this.listener = listener;
    }

    @Override
    public void accept(InboundMessage message) throws InterruptedException {
        acceptAll(List.of(message));
    }

    /**
     * Journals every admitted message of the list in one transaction (one fsync), then hands them
     * to the dispatcher in the order received, so each person's order holds. Returns once all are
     * journaled: a message is never processed, and so never answered, before it is on disk. If the
     * write fails, none is journaled or dispatched and the transport offers them again one by one;
     * the journal recognises a message it still holds (sender and timestamp), so none is taken twice.
     */
    @Override
    public void acceptAll(List<InboundMessage> batch) throws InterruptedException {
        long acceptedNanos = listener == Listener.NONE ? 0 : System.nanoTime();
        List<InboundMessage> admitted = new ArrayList<>(batch.size());
        List<String> keys = new ArrayList<>(batch.size());
        for (InboundMessage message : batch) {
            String key = personKey.apply(message.sender());
            if (admit(message, key)) {
                admitted.add(message);
                keys.add(key);
            }
        }
        if (admitted.isEmpty()) return;
        long[] journalIds = store.acceptAll(admitted);
        Set<Long> submitted = new HashSet<>();
        for (int i = 0; i < journalIds.length; i++) {
            long journalId = journalIds[i];
            if (!submitted.add(journalId)) continue; // the same message twice in one hand-over: handled once
            InboundMessage message = admitted.get(i);
            String key = keys.get(i);
            dispatcher.submit(key, () -> process(journalId, message, key, acceptedNanos));
        }
    }

    /** The flood check: true if the message goes on to the journal. */
    private boolean admit(InboundMessage message, String key) {
        switch (limiter.check(key)) {
            case DROP -> {
                LOG.info("pipeline.flood_dropped");
                return false;
            }
            case WARN -> {
                Lang lang = sessions.exists(key) ? sessions.get(key).lang()
                        : Lang.detect(message.text()).orElse(Lang.KO);
                store.enqueue(new OutboundMessage(message.sender(), messages.get(lang, "slow_down")),
                        idempotencyKey("slow_down", message));
                delivery.wake();
                return false;
            }
            default -> {
                return true;
            }
        }
    }

    /** Answers what was accepted before a crash or restart. */
    public int recover() throws InterruptedException {
        List<MessageStore.Pending> pending = store.pending();
        for (MessageStore.Pending p : pending) {
            String key = personKey.apply(p.message().sender());
            dispatcher.submit(key, () -> process(p.journalId(), p.message(), key, System.nanoTime()));
        }
        if (!pending.isEmpty()) LOG.info("pipeline.recovered", "messages", pending.size());
        delivery.wake();
        return pending.size();
    }

    private void process(long journalId, InboundMessage message, String key, long acceptedNanos) {
        if (delivery.canForget()) sessions.remember(key, message.sender());
        Session session = sessions.get(key);
        Reply reply;
        try {
            reply = conversation.handle(message, session);
        } catch (RuntimeException e) {
            LOG.error("pipeline.conversation_failed", "error", SafeLog.kind(e));
            reply = Reply.of(List.of(messages.get(session.lang(), "try_again")));
        }
        if (reply.eraseSender()) {
            sessions.forget(key);
            limiter.forget(key);
            delivery.forgetReceived(message.sender());
        }
        complete(new Completion(journalId, message, key, reply, acceptedNanos), 0);
    }

    /** A handled message whose reply still has to be recorded. */
    private record Completion(long journalId, InboundMessage message, String key, Reply reply, long acceptedNanos) {
        @Override
        public String toString() {
            return "Completion[redacted]";
        }
    }

    /**
     * Records the reply, without waiting for the commit: the worker goes on to the next message while
     * the store commits many replies together, in the order given, so a person's replies keep their
     * order. If the store fails (busy, disk error), the journal entry stays, so nothing is lost even
     * across a restart, and the same reply is recorded again after a backoff, in this person's order;
     * other people's messages go on meanwhile.
     */
    private void complete(Completion done, int failures) {
        try {
            store.completeLater(done.journalId(), done.message(), done.reply(), failure -> {
                if (failure == null) completed(done);
                else completeFailed(done, failures, failure);
            });
        } catch (RuntimeException e) {
            completeFailed(done, failures, e);
        }
    }

    private void completed(Completion done) {
        listener.answered(done.message(), done.acceptedNanos());
        if (done.reply().eraseSender()) {
            delivery.forgetAfterDelivery(done.message().sender());
            LOG.info("pipeline.person_erased");
        }
        delivery.wake();
    }

    private void completeFailed(Completion done, int failures, RuntimeException e) {
        long waitMs = Math.min(COMPLETE_RETRY_MAX_MS, COMPLETE_RETRY_MIN_MS << Math.min(failures, 20));
        LOG.error("pipeline.complete_failed", "error", SafeLog.kind(e), "failures", failures + 1, "retry_ms", waitMs);
        try {
            retries.schedule(() -> resubmit(done, failures + 1), waitMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            LOG.warn("pipeline.complete_retry_dropped", "error", SafeLog.kind(closing)); // answered after restart
        }
    }

    private void resubmit(Completion done, int failures) {
        try {
            dispatcher.submit(done.key(), () -> complete(done, failures));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // dispatcher closed or full: the journal entry stays and is answered after restart
            LOG.warn("pipeline.complete_retry_dropped", "error", SafeLog.kind(e));
        }
    }

    /** Stops retrying completions; what is left stays in the journal for the next start. */
    @Override
    public void close() {
        retries.shutdownNow();
    }

    /** Waits until everything accepted has been answered and handed to the transport. */
    public boolean awaitQuiet(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (System.nanoTime() < deadline) {
            if (dispatcher.awaitIdle(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)
                    && store.due(1).isEmpty() && store.pending().isEmpty()) {
                return true;
            }
            delivery.wake();
            Thread.sleep(20);
        }
        return false;
    }

    private static byte[] idempotencyKey(String purpose, InboundMessage m) {
        byte[] sender = m.sender().getBytes(StandardCharsets.UTF_8);
        byte[] p = purpose.getBytes(StandardCharsets.UTF_8);
        return ByteBuffer.allocate(p.length + sender.length + Long.BYTES).put(p).put(sender).putLong(m.timestamp()).array();
    }
}
