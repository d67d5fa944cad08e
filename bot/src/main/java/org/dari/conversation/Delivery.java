package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.dari.log.SafeLog;
import org.dari.transport.SendException;
import org.dari.transport.Transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.dari.transport.OutboundMessage;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends what waits in the outbox, with a guarantee that depends on who receives it:
 * <ul>
 * <li>A person gets each message <b>at most once</b>. The attempt is recorded durably before the
 * send; an unclear outcome (read timeout, connection reset after the request was written, a crash
 * between the send and its record) counts as sent and is not resent. Only outcomes that certainly
 * did not send (connection refused, rate limit or captcha, a 5xx, an untrusted identity) are retried.</li>
 * <li>A caseworker gets each message (a referral, recognisable by its code) <b>at least once</b>:
 * unclear outcomes are retried, so a duplicate can happen and is harmless.</li>
 * </ul>
 * Sends to different recipients run concurrently on a bounded pool, one at a time per recipient,
 * so one slow send delays nobody else and a person's replies keep their order. A store that fails
 * to record an outcome loses nothing: the outcome is kept in memory and recorded again with backoff.
 * Before the first reply to someone, turns on disappearing messages in their chat.
 */
public final class Delivery implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Delivery.class);
    /** Sends in flight at once, across recipients. */
    public static final int DEFAULT_SENDERS = 8;
    private static final int BATCH = 200;
    private static final long STORE_RETRY_MIN_MS = 100;
    private static final long STORE_RETRY_MAX_MS = 30_000;

    /** What a recipient is promised. */
    public enum Guarantee {
        /** People: never the same message twice; an unclear send counts as sent. */
        AT_MOST_ONCE,
        /** Caseworkers: every referral arrives; an unclear send is repeated. */
        AT_LEAST_ONCE
    }

    /** An outcome known here but not yet recorded in the store, because the store failed. */
    private enum Unrecorded { SENT, NOT_SENT }

    private final MessageStore store;
    private final Transport transport;
    /** The verified safety number of a caseworker account; empty for everyone else. */
    private final Function<String, Optional<String>> caseworkerSafetyNumber;
    /** People are remembered by their keyed hash here too, never by their Signal id. */
    private final UnaryOperator<String> personKey;
    private final String identityChangedNotice;
    /** People who erased everything: once their confirmation is out, the Signal side forgets them too. Memory only. */
    private final Set<String> forgetAfterDelivery = ConcurrentHashMap.newKeySet();
    private final int disappearingSeconds;
    private final Cache<String, Boolean> timerSet;
    private final ExecutorService senders;
    private final int maxInFlight;
    /** Person keys with a send in flight: one at a time per recipient keeps their order. */
    private final Set<String> busy = ConcurrentHashMap.newKeySet();
    /** Outbox ids whose outcome the store failed to record. Ids only, no content. */
    private final Map<Long, Unrecorded> unrecorded = new ConcurrentHashMap<>();
    /**
     * Sent, and recorded together in the delivery thread's next round (one write for many):
     * this record need not be durable at once, since after a crash an attempted reply to a person
     * is taken as sent and a referral is sent again, as each promises.
     */
    private final Set<Long> sentToRecord = ConcurrentHashMap.newKeySet();
    private final AtomicInteger storeFailures = new AtomicInteger();
    private volatile long storeRetryAtNanos = System.nanoTime();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean woken;

    public Delivery(MessageStore store, Transport transport, Duration disappearingTimer,
                    Function<String, Optional<String>> caseworkerSafetyNumber, UnaryOperator<String> personKey,
                    String identityChangedNotice) {
        this(store, transport, disappearingTimer, caseworkerSafetyNumber, personKey, identityChangedNotice, DEFAULT_SENDERS);
    }

    public Delivery(MessageStore store, Transport transport, Duration disappearingTimer,
                    Function<String, Optional<String>> caseworkerSafetyNumber, UnaryOperator<String> personKey,
                    String identityChangedNotice, int senders) {
        if (senders < 1) throw new IllegalArgumentException("senders must be at least 1");
        this.store = store;
        this.transport = transport;
        this.personKey = personKey;
        this.identityChangedNotice = identityChangedNotice;
        this.caseworkerSafetyNumber = caseworkerSafetyNumber;
        this.disappearingSeconds = (int) disappearingTimer.toSeconds();
        this.timerSet = Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(12)).maximumSize(100_000).build();
        this.maxInFlight = senders;
        AtomicInteger n = new AtomicInteger();
        this.senders = Executors.newFixedThreadPool(senders, r -> {
            Thread t = new Thread(r, "dari-send-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.thread = new Thread(this::loop, "dari-delivery");
        this.thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    public void wake() {
        lock.lock();
        try {
            woken = true;
            wakeUp.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The promise made to this recipient. */
    public Guarantee guaranteeFor(String recipient) {
        return caseworkerSafetyNumber.apply(recipient).isPresent() ? Guarantee.AT_LEAST_ONCE : Guarantee.AT_MOST_ONCE;
    }

    private void loop() {
        while (running) {
            int started = 0;
            long waitNanos = TimeUnit.SECONDS.toNanos(1);
            long untilStore = storeRetryAtNanos - System.nanoTime();
            if (untilStore > 0) {
                waitNanos = untilStore;
            } else {
                try {
                    started = dispatchDue();
                } catch (RuntimeException e) {
                    storeFailed(e);
                    continue;
                }
            }
            if (started > 0) continue;
            lock.lock();
            try {
                if (!woken && running) wakeUp.awaitNanos(waitNanos);
                woken = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /**
     * Records the sends made since the last round and hands what is due to the senders, at most one
     * per recipient and {@code senders} in all; returns how many. Replies to people whose chat is
     * ready are marked as attempted all in one write before any of them is sent (each is sent at
     * once after it). A first reply waits one round while the chat's disappearing timer is set, so
     * that no reply is marked before a step that may fail; a caseworker's referral and a reply whose
     * earlier outcome is unclear go the careful way, one by one ({@link #deliver}).
     */
    private int dispatchDue() {
        // what was sent meanwhile is recorded in the next round's write, which reads what is due
        if (busy.size() >= maxInFlight) return 0;
        // a recipient in flight when the list is read may be listed with a row her send is about to erase
        Set<String> inFlightBefore = Set.copyOf(busy);
        List<Long> sent = List.copyOf(sentToRecord);
        List<Start> starts = new ArrayList<>();
        try {
            // due lists one row per recipient, so among 2 × maxInFlight rows at most maxInFlight are busy:
            // every send that can start now is found without reading and decrypting a long list on each wake
            store.takeDue(sent, Math.min(BATCH, 2 * maxInFlight), item -> {
                if (busy.size() >= maxInFlight) return MessageStore.Take.LEAVE;
                String key = personKey.apply(item.message().recipient());
                if (inFlightBefore.contains(key) || !busy.add(key)) return MessageStore.Take.LEAVE;
                boolean plain = !item.attempted() && !unrecorded.containsKey(item.id())
                        && caseworkerSafetyNumber.apply(item.message().recipient()).isEmpty();
                Step step = !plain ? Step.CAREFULLY : needsTimer(key) ? Step.TIMER_FIRST : Step.MARKED;
                starts.add(new Start(item, key, step));
                return step == Step.MARKED ? MessageStore.Take.MARK_AND_SEND : MessageStore.Take.SEND;
            });
        } catch (RuntimeException e) {
            starts.forEach(start -> busy.remove(start.key()));
            throw e; // nothing was recorded or marked; what is due stays due
        }
        if (!sent.isEmpty()) {
            recorded(sent);
            storeSucceeded();
        }
        for (Start start : starts) if (start.step() == Step.MARKED) unrecorded.remove(start.item().id());
        int started = 0;
        for (Start start : starts) {
            try {
                senders.execute(() -> {
                    try {
                        switch (start.step()) {
                            case MARKED -> deliver(start.item(), true);
                            case TIMER_FIRST -> prepareChat(start.item());
                            case CAREFULLY -> deliver(start.item(), false);
                        }
                    } catch (RuntimeException e) {
                        LOG.error("delivery.failed", "error", SafeLog.kind(e));
                    } finally {
                        busy.remove(start.key());
                        wake();
                    }
                });
                started++;
            } catch (RejectedExecutionException e) {
                // closing: what was marked but will not be sent now is unmarked, so it is sent after the restart
                for (Start left : starts.subList(started, starts.size())) {
                    busy.remove(left.key());
                    if (left.step() == Step.MARKED) recordNotSent(left.item().id());
                }
                return started;
            }
        }
        return started;
    }

    /** How a reply taken in a round goes out. */
    private enum Step {
        /** Marked as attempted in the round's write; sent at once. */
        MARKED,
        /** A first reply: her chat's disappearing timer is set, and the reply follows next round. */
        TIMER_FIRST,
        /** A caseworker's referral or a reply whose earlier outcome is unclear: one by one ({@link #deliver}). */
        CAREFULLY
    }

    private record Start(MessageStore.Outgoing item, String key, Step step) {
        @Override
        public String toString() {
            return "Start[redacted]";
        }
    }

    private boolean needsTimer(String key) {
        return disappearingSeconds > 0 && timerSet.getIfPresent(key) == null;
    }

    /** Before the first reply to someone: her chat's disappearing timer; the reply follows next round. */
    private void prepareChat(MessageStore.Outgoing item) {
        try {
            ensureTimer(item.message().recipient());
        } catch (SendException e) {
            LOG.warn("delivery.before_send_failed", "kind", e.kind(), "attempts", item.attempts());
            recordNotSent(item.id());
        }
    }

    /** Sends one message and records the outcome; true if it went out now. */
    private boolean deliver(MessageStore.Outgoing item, boolean markedAhead) {
        long id = item.id();
        String recipient = item.message().recipient();
        Optional<String> verified = caseworkerSafetyNumber.apply(recipient);
        Guarantee guarantee = verified.isPresent() ? Guarantee.AT_LEAST_ONCE : Guarantee.AT_MOST_ONCE;
        Unrecorded known = unrecorded.get(id);
        if (known == Unrecorded.SENT) {
            recordSent(id, recipient);
            return false;
        }
        if (known == null && item.attempted() && guarantee == Guarantee.AT_MOST_ONCE) {
            // a send began and its outcome was never recorded (a crash): it may have reached her
            LOG.warn("delivery.unclear_after_restart_counted_sent", "attempts", item.attempts());
            recordSent(id, recipient);
            return false;
        }
        try {
            if (verified.isPresent() && !transport.identityMatches(recipient, verified.get())) {
                // a changed key may be a seized or re-registered phone: hold, never trust it ourselves
                LOG.warn("delivery.caseworker_identity_changed_held", "attempts", item.attempts());
                recordNotSent(id);
                return false;
            }
            if (verified.isEmpty()) ensureTimer(recipient);
        } catch (SendException e) {
            LOG.warn("delivery.before_send_failed", "kind", e.kind(), "attempts", item.attempts());
            recordNotSent(id);
            return false;
        }
        if (!markedAhead) {
            try {
                store.attempting(id);
            } catch (RuntimeException e) {
                storeFailed(e); // nothing sent; it stays due
                return false;
            }
            unrecorded.remove(id);
        }
        try {
            transport.send(item.message());
        } catch (SendException e) {
            sendFailed(item, guarantee, e);
            return false;
        }
        recordSent(id, recipient);
        return true;
    }

    private void sendFailed(MessageStore.Outgoing item, Guarantee guarantee, SendException e) {
        LOG.warn("delivery.send_failed", "kind", e.kind(), "attempts", item.attempts(), "guarantee", guarantee);
        String recipient = item.message().recipient();
        switch (e.kind()) {
            case UNCERTAIN -> {
                if (guarantee == Guarantee.AT_MOST_ONCE) {
                    LOG.warn("delivery.unclear_counted_sent");
                    recordSent(item.id(), recipient);
                } else {
                    recordNotSent(item.id());
                }
            }
            case UNTRUSTED_IDENTITY -> {
                if (guarantee == Guarantee.AT_MOST_ONCE) {
                    try {
                        identityChanged(recipient, item.id());
                    } catch (RuntimeException storeError) {
                        unrecorded.put(item.id(), Unrecorded.NOT_SENT);
                        storeFailed(storeError);
                    }
                } else {
                    recordNotSent(item.id());
                }
            }
            case RETRY_LATER -> recordNotSent(item.id());
            case UNREGISTERED, REJECTED -> {
                try {
                    store.dropUndeliverable(item.id());
                    unrecorded.remove(item.id());
                } catch (RuntimeException storeError) {
                    unrecorded.put(item.id(), Unrecorded.NOT_SENT);
                    storeFailed(storeError);
                }
            }
        }
    }

    /** Sent: recorded at the delivery thread's next wake, with every other send of the moment. */
    private void recordSent(long id, String recipient) {
        unrecorded.put(id, Unrecorded.SENT); // should it come back as due meanwhile, it is recorded, never resent
        sentToRecord.add(id);
        wake();
        if (forgetAfterDelivery.remove(recipient)) forgetOnSignal(recipient);
    }

    /** These sends are recorded in the store: nothing about them is kept here any more. */
    private void recorded(List<Long> ids) {
        ids.forEach(sentToRecord::remove);
        ids.forEach(unrecorded::remove);
    }

    /** Records what was sent last, waiting for it: on closing, so it is not taken as unclear after the restart. */
    private void recordSentNow() {
        if (sentToRecord.isEmpty()) return;
        List<Long> ids = List.copyOf(sentToRecord);
        try {
            store.deliveredAll(ids);
            recorded(ids);
        } catch (RuntimeException e) {
            storeFailed(e);
        }
    }

    private void recordNotSent(long id) {
        try {
            store.retryLater(id);
        } catch (RuntimeException e) {
            // if this stays unrecorded through a crash, the row says "attempted": a person is then not resent
            unrecorded.put(id, Unrecorded.NOT_SENT);
            storeFailed(e);
            return;
        }
        unrecorded.remove(id);
        storeSucceeded();
    }

    private void storeFailed(RuntimeException e) {
        int failures = storeFailures.incrementAndGet();
        long wait = Math.min(STORE_RETRY_MAX_MS, STORE_RETRY_MIN_MS << Math.min(failures - 1, 20));
        storeRetryAtNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(wait);
        LOG.error("delivery.store_failed", "error", SafeLog.kind(e), "failures", failures);
    }

    private void storeSucceeded() {
        storeFailures.set(0);
    }

    /**
     * A person's safety number changed: she reinstalled Signal, or someone else now holds her
     * number. Nothing queued for her (which would show what she asked) goes to the new holder:
     * it is dropped, and only a neutral notice is sent once the new key is accepted.
     */
    private void identityChanged(String recipient, long failedId) {
        int dropped = store.dropQueuedFor(recipient);
        acceptNewIdentity(recipient);
        store.enqueue(new OutboundMessage(recipient, identityChangedNotice),
                ("identity-changed:" + failedId).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        LOG.info("delivery.identity_changed_queue_dropped", "messages", dropped);
    }

    /** Whether the Signal side can be made to forget a person (signal-cli's own daemon). */
    public boolean canForget() {
        return transport.canForget();
    }

    /** Her session went idle: the Signal side forgets her too, where it can (as /forget does). */
    public void forgetIdle(String recipient) {
        if (!transport.canForget() || !running) return;
        try {
            senders.execute(() -> forgetOnSignal(recipient));
            LOG.info("delivery.idle_forget_queued");
        } catch (RejectedExecutionException e) {
            LOG.warn("delivery.idle_forget_skipped");
        }
    }

    /** Drops what the transport remembers in memory of her messages (its duplicate filter). */
    public void forgetReceived(String sender) {
        transport.forgetReceived(sender);
    }

    /** After her erase confirmation is delivered, asks the Signal side to forget her as well. */
    public void forgetAfterDelivery(String recipient) {
        if (transport.canForget()) forgetAfterDelivery.add(recipient);
        wake();
    }

    private void forgetOnSignal(String recipient) {
        timerSet.invalidate(personKey.apply(recipient));
        try {
            transport.forget(recipient);
            LOG.info("delivery.signal_forgot_person");
        } catch (SendException e) {
            LOG.warn("delivery.signal_forget_failed", "kind", e.kind());
        }
    }

    /** A person who reinstalled Signal has a new safety number; without this they would never hear back. */
    private void acceptNewIdentity(String recipient) {
        try {
            transport.acceptNewIdentity(recipient);
            LOG.info("delivery.identity_accepted");
        } catch (SendException e) {
            LOG.warn("delivery.identity_not_accepted", "kind", e.kind());
        }
    }

    private void ensureTimer(String recipient) throws SendException {
        String key = personKey.apply(recipient);
        if (disappearingSeconds <= 0 || timerSet.getIfPresent(key) != null) return;
        try {
            transport.setDisappearingTimer(recipient, disappearingSeconds);
            timerSet.put(key, Boolean.TRUE);
        } catch (SendException e) {
            if (e.kind() == SendException.Kind.RETRY_LATER) throw e;
            LOG.warn("delivery.timer_not_set", "kind", e.kind());
            timerSet.put(key, Boolean.TRUE);
        }
    }

    @Override
    public void close() {
        running = false;
        wake();
        senders.shutdown();
        try {
            if (thread.isAlive()) thread.join(5_000);
            senders.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recordSentNow(); // what was sent last is recorded as sent, not left for "unclear" after the restart
    }
}
