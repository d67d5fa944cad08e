package org.dari.conversation;

import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.util.List;

/**
 * The durable side of the pipeline: an inbound journal (a message is kept until
 * its answer is queued) and an outbox (a reply is kept until delivered). The
 * implementation encrypts everything it writes.
 */
public interface MessageStore {
    /** Writes the message durably; returns its journal id. The same sender and timestamp give the same id. */
    long accept(InboundMessage message);

    /**
     * Writes every message durably in one transaction (all or none) and returns their journal ids
     * in the same order; the same sender and timestamp give the same id, also twice in one list.
     * The default takes them one at a time: fine for a store that cannot fail half-way (in memory);
     * a durable store overrides it with one transaction.
     */
    default long[] acceptAll(List<InboundMessage> messages) {
        long[] ids = new long[messages.size()];
        for (int i = 0; i < ids.length; i++) ids[i] = accept(messages.get(i));
        return ids;
    }

    /**
     * One hand-over, in one transaction where the store can (all or none): journals {@code
     * unanswered} as {@link #acceptAll} does, and does everything each of {@code answered} caused
     * as {@link #complete} would, without it ever being journaled. Returns the journal ids of
     * {@code unanswered}, in order. The default journals and completes one at a time: fine for a
     * store that cannot fail half-way (in memory).
     */
    default long[] acceptAnswering(List<InboundMessage> unanswered, List<Answered> answered) {
        long[] ids = acceptAll(unanswered);
        for (Answered a : answered) complete(accept(a.message()), a.message(), a.reply());
        return ids;
    }

    /** A message whose reply was ready before it had to be journaled; never an erasure. */
    record Answered(InboundMessage message, Reply reply) {
        public Answered {
            if (reply.eraseSender()) throw new IllegalArgumentException("an erasure goes through the journal");
        }

        @Override
        public String toString() {
            return "Answered[redacted]";
        }
    }

    /**
     * Atomically removes the journal entry and does everything the reply says: queues the replies
     * to the sender and the messages to other accounts, applies the referral-link changes and, if
     * asked, first erases everything about the sender. Doing it twice does nothing new.
     */
    void complete(long journalId, InboundMessage message, Reply reply);

    /**
     * {@link #complete} without waiting for it to be durable: returns at once, and {@code done} is
     * told the outcome (null when committed, or the failure) later, on another thread. Completions
     * are committed in the order given. The default completes at once on the caller's thread.
     */
    default void completeLater(long journalId, InboundMessage message, Reply reply,
                               java.util.function.Consumer<RuntimeException> done) {
        try {
            complete(journalId, message, reply);
        } catch (RuntimeException e) {
            done.accept(e);
            return;
        }
        done.accept(null);
    }

    /** Messages accepted but not yet answered (after a crash), oldest first. */
    List<Pending> pending();

    /** Queues a reply that answers no journal entry (e.g. a flood warning); idempotent on the key. */
    void enqueue(OutboundMessage message, byte[] idempotencyKey);

    /** Replies due for sending now, oldest first. */
    List<Outgoing> due(int limit);

    /** What delivery does with a due reply ({@link #takeDue}). */
    enum Take {
        /** Not now: left out. */
        LEAVE,
        /** Taken; marked later, if at all. */
        SEND,
        /** Taken and {@linkplain #attempting marked as attempted} before this returns. */
        MARK_AND_SEND
    }

    /**
     * Delivery's round: records {@code sent} as {@linkplain #deliveredAll delivered}, reads what is
     * {@linkplain #due due}, asks {@code choose} about each in order and marks as attempted those it
     * says to. One write where the store can; if this throws, treat every choice made as undone.
     */
    default void takeDue(List<Long> sent, int limit, java.util.function.Function<Outgoing, Take> choose) {
        if (!sent.isEmpty()) deliveredAll(sent);
        List<Long> mark = new java.util.ArrayList<>();
        for (Outgoing item : due(limit)) {
            if (choose.apply(item) == Take.MARK_AND_SEND) mark.add(item.id());
        }
        for (long id : mark) attempting(id);
    }

    /**
     * Records durably, before the send, that this reply is about to be sent; after a crash it
     * comes back from {@link #due} as {@linkplain Outgoing#attempted() attempted}.
     */
    void attempting(long outboxId);

    void delivered(long outboxId);

    /** {@link #delivered} for several, in one write where the store can. */
    default void deliveredAll(List<Long> outboxIds) {
        for (long id : outboxIds) delivered(id);
    }

    void retryLater(long outboxId);

    void dropUndeliverable(long outboxId);

    /** Erases every queued message to this recipient; returns how many. */
    int dropQueuedFor(String recipient);

    /** Removes expired records; returns how many. */
    int purgeExpired();

    record Pending(long journalId, InboundMessage message) {
    }

    /** {@code attempted}: a send began and its outcome was never recorded, so it may have gone out. */
    record Outgoing(long id, OutboundMessage message, int attempts, boolean attempted) {
        public Outgoing(long id, OutboundMessage message, int attempts) {
            this(id, message, attempts, false);
        }
    }
}
