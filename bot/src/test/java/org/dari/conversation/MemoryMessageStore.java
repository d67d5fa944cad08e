package org.dari.conversation;

import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link MessageStore} in memory, for pipeline tests, that can be told to fail: the next
 * {@code n} calls of {@link #complete} throw, as SQLite does when busy or when the disk fails.
 */
final class MemoryMessageStore implements MessageStore {
    private final Map<Long, InboundMessage> journal = new LinkedHashMap<>();
    private final Map<Long, Row> outbox = new LinkedHashMap<>();
    private final Set<String> idempotency = new HashSet<>();
    private long nextId = 1;
    final AtomicInteger completeFailuresLeft = new AtomicInteger();
    final AtomicInteger completeFailures = new AtomicInteger();

    private record Row(OutboundMessage message, int attempts, long dueAtMillis, boolean attempted) {
    }

    static final class StoreFailure extends RuntimeException {
        StoreFailure() {
            super("SQLITE_BUSY (simulated)", null, false, false);
        }
    }

    @Override
    public synchronized long accept(InboundMessage message) {
        for (Map.Entry<Long, InboundMessage> e : journal.entrySet()) {
            if (e.getValue().sender().equals(message.sender()) && e.getValue().timestamp() == message.timestamp()) return e.getKey();
        }
        long id = nextId++;
        journal.put(id, message);
        return id;
    }

    /** Replies recorded against a journal entry (complete), as given; and a sender whose replies the store can never take. */
    final List<Reply> completedReplies = new java.util.concurrent.CopyOnWriteArrayList<>();
    volatile String poisonSender;

    @Override
    public synchronized void complete(long journalId, InboundMessage message, Reply reply) {
        completedReplies.add(reply);
        if (message.sender().equals(poisonSender)) throw new StoreFailure();
        if (completeFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            completeFailures.incrementAndGet();
            throw new StoreFailure();
        }
        if (journal.remove(journalId) == null) return;
        List<String> texts = reply.texts();
        for (int i = 0; i < texts.size(); i++) {
            if (idempotency.add(message.sender() + "/" + message.timestamp() + "/" + i)) {
                outbox.put(nextId++, new Row(new OutboundMessage(message.sender(), texts.get(i)), 0, 0, false));
            }
        }
        for (OutboundMessage m : reply.relayed()) outbox.put(nextId++, new Row(m, 0, 0, false));
    }

    /** Every hand-over written, as given (failed tries included), and how many tries are still to fail. */
    final List<List<Answered>> answeringTries = new java.util.concurrent.CopyOnWriteArrayList<>();
    final List<List<InboundMessage>> journalingTries = new java.util.concurrent.CopyOnWriteArrayList<>();
    final AtomicInteger handOverFailuresLeft = new AtomicInteger();

    /** All or none, as the vault's one transaction: a failing try changes nothing. */
    @Override
    public synchronized long[] acceptAnswering(List<InboundMessage> unanswered, List<Answered> answered) {
        answeringTries.add(List.copyOf(answered));
        journalingTries.add(List.copyOf(unanswered));
        if (handOverFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) throw new StoreFailure();
        if (answered.stream().anyMatch(a -> a.message().sender().equals(poisonSender))) throw new StoreFailure();
        return MessageStore.super.acceptAnswering(unanswered, answered);
    }

    @Override
    public synchronized List<Pending> pending() {
        List<Pending> result = new ArrayList<>();
        journal.forEach((id, m) -> result.add(new Pending(id, m)));
        return result;
    }

    @Override
    public synchronized void enqueue(OutboundMessage message, byte[] idempotencyKey) {
        if (idempotency.add(new String(idempotencyKey, java.nio.charset.StandardCharsets.ISO_8859_1))) {
            outbox.put(nextId++, new Row(message, 0, 0, false));
        }
    }

    @Override
    public synchronized List<Outgoing> due(int limit) {
        long now = System.currentTimeMillis();
        Set<String> heads = new HashSet<>();
        List<Outgoing> result = new ArrayList<>();
        for (Map.Entry<Long, Row> e : outbox.entrySet()) {
            if (!heads.add(e.getValue().message().recipient())) continue;
            Row r = e.getValue();
            if (r.dueAtMillis() <= now && result.size() < limit) result.add(new Outgoing(e.getKey(), r.message(), r.attempts(), r.attempted()));
        }
        return result;
    }

    @Override
    public synchronized void attempting(long outboxId) {
        outbox.computeIfPresent(outboxId, (id, r) -> new Row(r.message(), r.attempts(), r.dueAtMillis(), true));
    }

    @Override
    public synchronized void delivered(long outboxId) {
        outbox.remove(outboxId);
    }

    /** How many times sends were recorded as delivered (one write each), and how many rows that covered. */
    final AtomicInteger deliveredWrites = new AtomicInteger();
    final AtomicInteger deliveredRows = new AtomicInteger();
    /** How long one such write takes (a synced commit on a disk takes a millisecond or more). */
    volatile int deliveredWriteMillis;

    @Override
    public void deliveredAll(List<Long> outboxIds) {
        try {
            Thread.sleep(deliveredWriteMillis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        recordDelivered(outboxIds);
    }

    private synchronized void recordDelivered(List<Long> outboxIds) {
        deliveredWrites.incrementAndGet();
        deliveredRows.addAndGet(outboxIds.size());
        outboxIds.forEach(outbox::remove);
    }

    @Override
    public synchronized void retryLater(long outboxId) {
        outbox.computeIfPresent(outboxId, (id, r) -> new Row(r.message(), r.attempts() + 1,
                System.currentTimeMillis() + 100, false));
    }

    @Override
    public synchronized void dropUndeliverable(long outboxId) {
        outbox.remove(outboxId);
    }

    @Override
    public synchronized int dropQueuedFor(String recipient) {
        int before = outbox.size();
        outbox.values().removeIf(r -> r.message().recipient().equals(recipient));
        return before - outbox.size();
    }

    @Override
    public synchronized int purgeExpired() {
        return 0;
    }

    synchronized int queued() {
        return outbox.size();
    }
}
