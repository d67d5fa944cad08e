package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.log.SafeLog;
import org.dari.safety.RateLimiter;
import org.dari.transport.InboundMessage;
import org.dari.transport.InboundSink;
import org.dari.transport.OutboundMessage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * transport → journal → dispatcher → conversation → outbox → delivery.
 * A message is journaled before it is taken as received and leaves the journal
 * only in the same step that queues its answer, so a crash anywhere in between
 * ends with the answer sent once after restart.
 */
public final class Pipeline implements InboundSink {
    private static final SafeLog LOG = SafeLog.of(Pipeline.class);

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
        long acceptedNanos = listener == Listener.NONE ? 0 : System.nanoTime();
        String key = personKey.apply(message.sender());
        switch (limiter.check(key)) {
            case DROP -> {
                LOG.info("pipeline.flood_dropped");
                return;
            }
            case WARN -> {
                Lang lang = sessions.exists(key) ? sessions.get(key).lang()
                        : Lang.detect(message.text()).orElse(Lang.KO);
                store.enqueue(new OutboundMessage(message.sender(), messages.get(lang, "slow_down")),
                        idempotencyKey("slow_down", message));
                delivery.wake();
                return;
            }
            case ALLOW -> {
            }
        }
        long journalId = store.accept(message);
        dispatcher.submit(key, () -> process(journalId, message, key, acceptedNanos));
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
        }
        if (!completeDurably(journalId, message, reply)) return;
        listener.answered(message, acceptedNanos);
        if (reply.eraseSender()) {
            delivery.forgetAfterDelivery(message.sender());
            LOG.info("pipeline.person_erased");
        }
        delivery.wake();
    }

    /**
     * Queues the answer and closes the journal entry, retrying while the store fails (a full disk,
     * a lock): the message is accepted, and without this its answer would wait for the next restart.
     * False if the bot is closing; the entry then stays in the journal and is answered at the next start.
     */
    private boolean completeDurably(long journalId, InboundMessage message, Reply reply) {
        long pause = 100;
        while (true) {
            try {
                store.complete(journalId, message, reply);
                return true;
            } catch (RuntimeException e) {
                LOG.error("pipeline.answer_not_stored", "error", SafeLog.kind(e), "retry_ms", pause);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            pause = Math.min(pause * 2, 5_000);
        }
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
