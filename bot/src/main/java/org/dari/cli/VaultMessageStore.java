package org.dari.cli;

import org.dari.conversation.MessageStore;
import org.dari.conversation.Reply;
import org.dari.store.Journal;
import org.dari.store.Outbox;
import org.dari.store.OutboxFile;
import org.dari.store.OutboxItem;
import org.dari.store.PendingInbound;
import org.dari.store.Vault;
import org.dari.transport.InboundMessage;
import org.dari.transport.OutboundMessage;

import java.util.List;

/** The pipeline's journal and outbox, kept encrypted in the vault. */
final class VaultMessageStore implements MessageStore {
    private final Vault vault;

    VaultMessageStore(Vault vault) {
        this.vault = vault;
    }

    @Override
    public long accept(InboundMessage m) {
        return vault.journal().accept(m.sender(), m.text(), m.timestamp(), m.hadAttachments());
    }

    @Override
    public long[] acceptAll(List<InboundMessage> messages) {
        return vault.journal().acceptAll(messages.stream().map(VaultMessageStore::arrival).toList());
    }

    @Override
    public long[] acceptAnswering(List<InboundMessage> unanswered, List<Answered> answered) {
        return vault.journal().acceptAnswering(unanswered.stream().map(VaultMessageStore::arrival).toList(),
                answered.stream().map(a -> new Journal.Answered(arrival(a.message()), completion(a.reply()))).toList());
    }

    private static Journal.Arrival arrival(InboundMessage m) {
        return new Journal.Arrival(m.sender(), m.text(), m.timestamp(), m.hadAttachments());
    }

    @Override
    public void complete(long journalId, InboundMessage message, Reply reply) {
        vault.journal().finish(journalId, completion(reply));
    }

    @Override
    public void completeLater(long journalId, InboundMessage message, Reply reply,
                              java.util.function.Consumer<RuntimeException> done) {
        vault.journal().finishLater(journalId, completion(reply), done);
    }

    private static Journal.Completion completion(Reply reply) {
        List<Journal.Relayed> relayed = reply.relayed().stream()
                .map(m -> new Journal.Relayed(m.recipient(), m.text(),
                        m.file().map(f -> new OutboxFile(f.fileName(), f.mediaType(), f.data())).orElse(null)))
                .toList();
        return new Journal.Completion(reply.texts(), relayed, reply.linkOps(), reply.eraseSender());
    }

    @Override
    public List<Pending> pending() {
        return vault.journal().pending().stream()
                .map(p -> new Pending(p.id(), inbound(p)))
                .toList();
    }

    private static InboundMessage inbound(PendingInbound p) {
        return new InboundMessage(p.sender(), p.text(), p.timestamp(), p.hadAttachments());
    }

    @Override
    public void enqueue(OutboundMessage message, byte[] idempotencyKey) {
        vault.outbox().enqueue(message.recipient(), message.text(), idempotencyKey);
    }

    @Override
    public List<Outgoing> due(int limit) {
        return vault.outbox().due(limit).stream().map(VaultMessageStore::outgoing).toList();
    }

    @Override
    public void takeDue(List<Long> sent, int limit, java.util.function.Function<Outgoing, Take> choose) {
        vault.outbox().due(sent, limit, item -> switch (choose.apply(outgoing(item))) {
            case LEAVE -> Outbox.Take.LEAVE;
            case SEND -> Outbox.Take.SEND;
            case MARK_AND_SEND -> Outbox.Take.MARK_AND_SEND;
        });
    }

    private static Outgoing outgoing(OutboxItem item) {
        OutboundMessage.Attachment file = item.file() == null ? null
                : new OutboundMessage.Attachment(item.file().name(), item.file().mediaType(), item.file().data());
        return new Outgoing(item.id(), new OutboundMessage(item.recipient(), item.text(), file), item.attempts(),
                item.attempted());
    }

    @Override
    public void attempting(long outboxId) {
        vault.outbox().attempting(outboxId);
    }

    @Override
    public void delivered(long outboxId) {
        vault.outbox().delivered(outboxId);
    }

    @Override
    public void deliveredAll(List<Long> outboxIds) {
        vault.outbox().deliveredAll(outboxIds);
    }

    @Override
    public void retryLater(long outboxId) {
        vault.outbox().retryLater(outboxId);
    }

    @Override
    public void dropUndeliverable(long outboxId) {
        vault.outbox().dropUndeliverable(outboxId);
    }

    @Override
    public int dropQueuedFor(String recipient) {
        return vault.outbox().dropAllFor(recipient);
    }

    @Override
    public int purgeExpired() {
        return vault.purgeExpired();
    }
}
