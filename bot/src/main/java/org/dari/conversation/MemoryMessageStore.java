package org.dari.conversation;

import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** A message store that keeps nothing on disk: for tests and tools that must not write. */
public final class MemoryMessageStore implements MessageStore {
    private final Map<Long, InboundMessage> journal = new LinkedHashMap<>();
    private final Map<Long, Outgoing> outbox = new LinkedHashMap<>();
    private final Set<ByteBuffer> idempotencyKeys = new HashSet<>();
    private long nextId = 1;

    @Override
    public synchronized long accept(InboundMessage message) {
        for (var e : journal.entrySet()) {
            if (e.getValue().sender().equals(message.sender()) && e.getValue().timestamp() == message.timestamp()) {
                return e.getKey();
            }
        }
        long id = nextId++;
        journal.put(id, message);
        return id;
    }

    @Override
    public synchronized void complete(long journalId, InboundMessage message, List<String> replies) {
        if (journal.remove(journalId) == null) return;
        for (String reply : replies) {
            long id = nextId++;
            outbox.put(id, new Outgoing(id, new OutboundMessage(message.sender(), reply), 0));
        }
    }

    @Override
    public synchronized List<Pending> pending() {
        List<Pending> out = new ArrayList<>();
        journal.forEach((id, m) -> out.add(new Pending(id, m)));
        return out;
    }

    @Override
    public synchronized void enqueue(OutboundMessage message, byte[] idempotencyKey) {
        if (!idempotencyKeys.add(ByteBuffer.wrap(idempotencyKey.clone()))) return;
        long id = nextId++;
        outbox.put(id, new Outgoing(id, message, 0));
    }

    @Override
    public synchronized List<Outgoing> due(int limit) {
        return outbox.values().stream().limit(limit).toList();
    }

    @Override
    public synchronized void delivered(long outboxId) {
        outbox.remove(outboxId);
    }

    @Override
    public synchronized void retryLater(long outboxId) {
        Outgoing o = outbox.get(outboxId);
        if (o != null) outbox.put(outboxId, new Outgoing(o.id(), o.message(), o.attempts() + 1));
    }

    @Override
    public synchronized void dropUndeliverable(long outboxId) {
        outbox.remove(outboxId);
    }

    @Override
    public synchronized void completeAndForget(long journalId, InboundMessage message, List<String> replies) {
        journal.values().removeIf(m -> m.sender().equals(message.sender()));
        outbox.values().removeIf(o -> o.message().recipient().equals(message.sender()));
        journal.put(journalId, message);
        complete(journalId, message, replies);
    }

    @Override
    public int purgeExpired() {
        return 0;
    }
}
