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
 * transport → dispatcher → conversation → (outbox, or journal then outbox) → delivery.
 * A hand-over from the transport is answered at once and stored in one transaction: the answers
 * ready in time go to the outbox, the messages not yet answered to the journal, which they leave
 * only in the same step that queues their answer. The hand-over call returns after that commit,
 * so a crash at any later point ends with each answer queued once after restart (how often it is
 * then sent is {@link Delivery}'s guarantee).
 */
public final class Pipeline implements BatchSink, AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Pipeline.class);
    private static final long COMPLETE_RETRY_MIN_MS = 100;
    private static final long COMPLETE_RETRY_MAX_MS = 60_000;
    /** The longest pause between two tries of a hand-over's write: the transport waits meanwhile. */
    private static final long STORE_RETRY_MAX_MS = 5_000;
    /**
     * How long a hand-over waits for its answers before journaling those not ready: answering takes
     * well under a millisecond, so nearly every message is answered in time and written once; a slow
     * one (sealing a referral on a busy machine) costs a journal entry, never a longer wait.
     */
    static final long ANSWER_WAIT_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

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
    private final long answerWaitNanos;
    private final Object handingOver = new Object();
    private final java.util.concurrent.atomic.LongAdder journaledLate = new java.util.concurrent.atomic.LongAdder();
    private volatile boolean closed;
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);

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
        this(store, dispatcher, conversation, sessions, limiter, messages, delivery, personKey, listener,
                ANSWER_WAIT_NANOS);
    }

    /** With another wait for answers (tests). */
    Pipeline(MessageStore store, Dispatcher dispatcher, Conversation conversation, Sessions sessions,
             RateLimiter limiter, Messages messages, Delivery delivery, UnaryOperator<String> personKey,
             Listener listener, long answerWaitNanos) {
        this.answerWaitNanos = answerWaitNanos;
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
     * Takes one hand-over from the transport and returns once all of it is durable, so the
     * transport never takes more before what it has is safe. Its messages are answered at once, in
     * the order received for each person; a message answered within {@link #ANSWER_WAIT_NANOS} has
     * its reply stored, and one that is not yet answered is journaled, both in one transaction (one
     * fsync for the hand-over). A late message's reply is recorded against its journal entry when
     * ready, so a crash at any point ends with every stored message answered once after restart.
     * If the store refuses the write, the messages are journaled instead and the replies already
     * made recorded against them ({@link #store}): a message is never answered a second time.
     * One hand-over at a time. Throws only once closed, or when interrupted while the store
     * refuses (at shutdown).
     */
    @Override
    public void acceptAll(List<InboundMessage> batch) throws InterruptedException {
        synchronized (handingOver) { // one hand-over at a time: a person's replies keep her order
            acceptAllNow(batch);
        }
    }

    private void acceptAllNow(List<InboundMessage> batch) throws InterruptedException {
        if (closed) throw new IllegalStateException("pipeline is closed");
        long acceptedNanos = listener == Listener.NONE ? 0 : System.nanoTime();
        List<InboundMessage> admitted = new ArrayList<>(batch.size());
        List<String> keys = new ArrayList<>(batch.size());
        Set<String> seen = new HashSet<>();
        for (InboundMessage message : batch) {
            // the same message twice in one hand-over: handled once
            if (!seen.add(message.timestamp() + "/" + message.sender())) continue;
            String key = personKey.apply(message.sender());
            if (admit(message, key)) {
                admitted.add(message);
                keys.add(key);
            }
        }
        if (admitted.isEmpty()) return;
        HandOver handOver = new HandOver(admitted.size());
        boolean interrupted = false;
        for (int i = 0; i < admitted.size(); i++) {
            int index = i;
            InboundMessage message = admitted.get(i);
            String key = keys.get(i);
            while (true) {
                try {
                    dispatcher.submit(key, () -> answerInHandOver(handOver, index, message, key, acceptedNanos));
                    break;
                } catch (InterruptedException e) {
                    interrupted = true; // the ones before are being answered: all of them are stored
                }
            }
        }
        try {
            handOver.await(answerWaitNanos);
        } catch (InterruptedException e) {
            interrupted = true; // they are being answered: store them all the same, as late if need be
        }
        handOver.close();
        try {
            store(handOver, admitted, keys, acceptedNanos);
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /**
     * One transaction for the hand-over. If the store refuses it, every message is journaled instead
     * (tried until the store takes it) and each reply already made is then recorded on its own,
     * in order, as a late reply is: one reply the store cannot take (or a full disk) then holds
     * back only its own person, and no message is answered twice.
     */
    private void store(HandOver handOver, List<InboundMessage> admitted, List<String> keys, long acceptedNanos)
            throws InterruptedException {
        List<InboundMessage> late = new ArrayList<>();
        List<MessageStore.Answered> answered = new ArrayList<>();
        for (int i = 0; i < admitted.size(); i++) {
            Reply reply = handOver.inTimeReply(i);
            if (reply != null) answered.add(new MessageStore.Answered(admitted.get(i), reply));
            else late.add(admitted.get(i));
        }
        try {
            long[] journalIds = store.acceptAnswering(late, answered);
            journaledLate.add(late.size());
            for (MessageStore.Answered a : answered) listener.answered(a.message(), acceptedNanos);
            if (!answered.isEmpty()) delivery.wake();
            for (int i = 0, j = 0; i < admitted.size(); i++) {
                if (handOver.inTimeReply(i) == null) handOver.journaled(i, journalIds[j++]);
            }
            return;
        } catch (RuntimeException e) {
            if (closed) throw e;
            LOG.error("pipeline.answer_not_stored", "error", SafeLog.kind(e), "messages", admitted.size());
        }
        long[] journalIds = journalDurably(admitted);
        journaledLate.add(admitted.size());
        for (int i = 0; i < admitted.size(); i++) {
            Reply reply = handOver.inTimeReply(i);
            if (reply != null) {
                complete(new Completion(journalIds[i], admitted.get(i), keys.get(i), reply, acceptedNanos), 0);
            } else {
                handOver.journaled(i, journalIds[i]);
            }
        }
    }

    /** Journals the messages, trying again with backoff until the store takes them or the pipeline closes. */
    private long[] journalDurably(List<InboundMessage> messages) throws InterruptedException {
        for (int failures = 1; ; failures++) {
            try {
                return store.acceptAll(messages);
            } catch (RuntimeException e) {
                if (closed) throw e;
                long waitMs = Math.min(STORE_RETRY_MAX_MS, COMPLETE_RETRY_MIN_MS << Math.min(failures, 20));
                LOG.error("pipeline.answer_not_stored", "error", SafeLog.kind(e), "failures", failures + 1,
                        "retry_ms", waitMs);
                if (closing.await(waitMs, TimeUnit.MILLISECONDS)) throw e;
            }
        }
    }

    /** Messages journaled because their answer was not ready when their hand-over was stored (dari bench). */
    public long journaledLate() {
        return journaledLate.sum();
    }

    /** The flood check: true if the message goes on to be answered. */
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
        Reply reply = answer(message, key);
        complete(new Completion(journalId, message, key, reply, acceptedNanos), 0);
    }

    private void answerInHandOver(HandOver handOver, int index, InboundMessage message, String key, long acceptedNanos) {
        Reply answered;
        try {
            answered = answer(message, key);
        } catch (RuntimeException e) {
            // never leave a message unsettled: it would be late without holding her next ones back
            LOG.error("pipeline.answer_failed", "error", SafeLog.kind(e));
            answered = Reply.of(List.of(messages.get(Lang.KO, "try_again")));
        }
        Reply reply = answered;
        handOver.answer(index, key, reply,
                journalId -> complete(new Completion(journalId, message, key, reply, acceptedNanos), 0));
    }

    private Reply answer(InboundMessage message, String key) {
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
        return reply;
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
        closed = true;
        closing.countDown();
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
