package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.dari.log.SafeLog;
import org.dari.transport.SendException;
import org.dari.transport.Transport;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.dari.transport.OutboundMessage;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends what waits in the outbox. A reply leaves the outbox only once the server
 * accepted it; a failure that may pass is retried later with backoff (the store
 * schedules it); a recipient who cannot be reached is dropped. Before the first
 * reply to someone, turns on disappearing messages in their chat.
 */
public final class Delivery implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Delivery.class);
    private static final int BATCH = 50;

    private final MessageStore store;
    private final Transport transport;
    /** The verified safety number of a caseworker account; empty for everyone else. */
    private final Function<String, Optional<String>> caseworkerSafetyNumber;
    /** People are remembered by their keyed hash here too, never by their Signal id. */
    private final UnaryOperator<String> personKey;
    private final String identityChangedNotice;
    /** People who erased everything: once their confirmation is out, the Signal side forgets them too. Memory only. */
    private final Set<String> forgetAfterDelivery = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** Sent, but the store failed to record it (a full disk): only recorded later, never sent again. Memory only. */
    private final Set<Long> sentNotRecorded = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final int disappearingSeconds;
    private final Cache<String, Boolean> timerSet;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wakeUp = lock.newCondition();
    private final Thread thread;
    private volatile boolean running = true;
    private boolean woken;

    public Delivery(MessageStore store, Transport transport, Duration disappearingTimer,
                    Function<String, Optional<String>> caseworkerSafetyNumber, UnaryOperator<String> personKey,
                    String identityChangedNotice) {
        this.store = store;
        this.transport = transport;
        this.personKey = personKey;
        this.identityChangedNotice = identityChangedNotice;
        this.caseworkerSafetyNumber = caseworkerSafetyNumber;
        this.disappearingSeconds = (int) disappearingTimer.toSeconds();
        this.timerSet = Caffeine.newBuilder().expireAfterWrite(Duration.ofHours(12)).maximumSize(100_000).build();
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

    private void loop() {
        while (running) {
            int sent = 0;
            try {
                sent = deliverDue();
            } catch (RuntimeException e) {
                LOG.error("delivery.failed", "error", SafeLog.kind(e));
            }
            if (sent > 0) continue;
            lock.lock();
            try {
                if (!woken && running) wakeUp.await(1, TimeUnit.SECONDS);
                woken = false;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
        }
    }

    /** One pass over what is due; returns how many went out. */
    int deliverDue() {
        List<MessageStore.Outgoing> due = store.due(BATCH);
        Set<String> heldBack = new HashSet<>();
        int sent = 0;
        for (MessageStore.Outgoing item : due) {
            String recipient = item.message().recipient();
            if (sentNotRecorded.contains(item.id())) {
                store.delivered(item.id());
                sentNotRecorded.remove(item.id());
                continue;
            }
            if (heldBack.contains(recipient)) {
                // keep this person's replies in order behind the one that failed
                store.retryLater(item.id());
                continue;
            }
            Optional<String> verified = caseworkerSafetyNumber.apply(recipient);
            try {
                if (verified.isPresent() && !transport.identityMatches(recipient, verified.get())) {
                    // a changed key may be a seized or re-registered phone: hold, never trust it ourselves
                    LOG.warn("delivery.caseworker_identity_changed_held", "attempts", item.attempts());
                    store.retryLater(item.id());
                    heldBack.add(recipient);
                    continue;
                }
                if (verified.isEmpty()) ensureTimer(recipient);
                transport.send(item.message());
                sentNotRecorded.add(item.id());
                store.delivered(item.id());
                sentNotRecorded.remove(item.id());
                sent++;
                if (forgetAfterDelivery.remove(recipient)) forgetOnSignal(recipient);
            } catch (SendException e) {
                LOG.warn("delivery.send_failed", "kind", e.kind(), "attempts", item.attempts());
                if (e.kind() == SendException.Kind.UNTRUSTED_IDENTITY && verified.isEmpty()) {
                    identityChanged(recipient, item.id());
                    heldBack.add(recipient);
                    continue;
                }
                if (e.retryable()) {
                    store.retryLater(item.id());
                    heldBack.add(recipient);
                } else {
                    store.dropUndeliverable(item.id());
                }
            }
        }
        return sent;
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
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
