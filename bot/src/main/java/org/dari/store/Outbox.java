package org.dari.store;

import org.dari.log.SafeLog;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Messages waiting to be sent, kept until delivered (then deleted) or expired. Each has an
 * idempotency key, so queuing the same message twice keeps one. Obtained from {@link Vault#outbox()}.
 */
public final class Outbox {
    static final String TABLE = "outbox";
    static final Duration FIRST_RETRY = Duration.ofSeconds(1);
    static final Duration MAX_RETRY = Duration.ofMinutes(15);

    private static final SafeLog LOG = SafeLog.of(Outbox.class);
    private static final byte[] REPLY = "reply".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EXTERNAL = "external".getBytes(StandardCharsets.US_ASCII);

    private final Vault vault;
    /**
     * Failed sends waiting for their next attempt, by row id: kept in memory only, so the disk never
     * shows when a send failed or how often (after a restart every queued reply is due at once).
     */
    private final Map<Long, Retry> retries = new ConcurrentHashMap<>();
    /**
     * Rows {@link #due} has opened, by id, so a row that waits through several rounds is decrypted
     * once. Memory only; a row's entry goes when the row is erased, and all go at any erasure of a
     * person, purge or re-keying.
     */
    private final Map<Long, Message> opened = new ConcurrentHashMap<>();
    private static final int MAX_OPENED = 4_096;

    private record Retry(int attempts, long dueAtMillis) {
    }

    Outbox(Vault vault) {
        this.vault = vault;
    }

    /**
     * Queues a message that is not the answer to a journal entry. The same recipient and
     * idempotency key queued again return the existing id.
     */
    public long enqueue(String recipient, String text, byte[] idempotencyKey) {
        Objects.requireNonNull(text, "text");
        if (idempotencyKey == null || idempotencyKey.length == 0) {
            throw new IllegalArgumentException("idempotency key is empty");
        }
        byte[] source = KeyedHash.lengthPrefixed(EXTERNAL, idempotencyKey);
        return vault.write(c -> insert(c, recipient, text, null, source));
    }

    /**
     * Messages whose next attempt is due, oldest first, at most {@code limit}. Only the oldest
     * queued message of each recipient is returned, so one person's messages go out in order.
     */
    public List<OutboxItem> due(int limit) {
        return due(List.of(), limit, item -> Take.SEND);
    }

    /**
     * Ids grow with each queued message: oldest first is key order, read from the start and stopped
     * at the limit, never a sort of the whole queue, so a backlog stays cheap. The unary {@code +}
     * keeps SQLite from using the index on {@code next_attempt_at} for the range instead (it did:
     * every round then sorted the whole queue in a temporary B-tree).
     */
    static final String DUE_QUERY = "SELECT o.id, o.person, o.idem_key, o.payload, o.attempts, o.created_at, o.sending"
            + " FROM outbox o WHERE +o.next_attempt_at <= ?"
            + " AND NOT EXISTS (SELECT 1 FROM outbox p WHERE p.person = o.person AND p.id < o.id)"
            + " ORDER BY o.id LIMIT ?";

    private static final String MARK_SENDING = "UPDATE outbox SET sending = 1 WHERE id = ?";

    /** What the caller of {@link #due(List, int, java.util.function.Function)} does with a due message. */
    public enum Take {
        /** Not now (its recipient is busy, or there is enough to do): left out of the result. */
        LEAVE,
        /** Returned; its send is marked by the caller later, if at all. */
        SEND,
        /** Returned, and marked as {@linkplain #attempting attempted} in the same transaction. */
        MARK_AND_SEND
    }

    /**
     * Erases the rows of messages just sent ({@link #deliveredAll}), reads what is due ({@link
     * #due(int)}) and asks {@code choose} about each due message in order: those it leaves are not
     * returned, those it marks are {@linkplain #attempting attempted} durably when this returns.
     * Delivery's whole round is this one write, which goes ahead of answers being recorded. If this
     * throws, nothing of it happened.
     */
    public List<OutboxItem> due(List<Long> sent, int limit, java.util.function.Function<OutboxItem, Take> choose) {
        if (limit <= 0 && sent.isEmpty()) return List.of();
        long now = vault.now();
        // a retry long past its time is due anyway: forgetting it only restarts its backoff
        retries.values().removeIf(r -> r.dueAtMillis() + MAX_RETRY.toMillis() < now);
        java.util.Set<Long> waiting = new java.util.HashSet<>();
        retries.forEach((id, r) -> {
            if (r.dueAtMillis() > now) waiting.add(id);
        });
        List<OutboxItem> result = new ArrayList<>();
        sent.forEach(retries::remove);
        int unreadable = vault.writeFirst(c -> {
            result.clear();
            for (long id : sent) delete(c, id);
            if (limit <= 0) return 0;
            List<Long> bad = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(DUE_QUERY)) {
                s.setLong(1, now);
                s.setInt(2, (int) Math.min(Integer.MAX_VALUE, (long) limit + waiting.size()));
                try (ResultSet r = s.executeQuery()) {
                    while (r.next() && result.size() < limit) {
                        long id = r.getLong(1);
                        if (waiting.contains(id)) continue; // its recipient's later messages wait behind it
                        try {
                            Message m = opened.get(id);
                            if (m == null) {
                                m = open(vault.rows(), r.getBytes(2), r.getBytes(3), r.getBytes(4));
                                if (opened.size() < MAX_OPENED) opened.put(id, m);
                            }
                            Retry retry = retries.get(id);
                            result.add(new OutboxItem(id, m.recipient(), m.text(), retry == null ? 0 : retry.attempts(),
                                    Instant.ofEpochMilli(r.getLong(6)), m.file(), r.getInt(7) != 0));
                        } catch (VaultException e) {
                            bad.add(id);
                        }
                    }
                }
            }
            for (long id : bad) delete(c, id);
            List<OutboxItem> taken = new ArrayList<>(result.size());
            try (PreparedStatement mark = c.prepareStatement(MARK_SENDING)) {
                for (OutboxItem item : result) {
                    Take take = choose.apply(item);
                    if (take == Take.LEAVE) continue;
                    taken.add(item);
                    if (take == Take.MARK_AND_SEND) {
                        mark.setLong(1, item.id());
                        mark.executeUpdate();
                    }
                }
            }
            result.clear();
            result.addAll(taken);
            return bad.size();
        }, !sent.isEmpty());
        if (unreadable > 0) {
            LOG.warn("outbox.unreadable.deleted", "rows", unreadable);
            vault.checkpoint();
        }
        return result;
    }

    /**
     * Records, committed before the send begins, that this message is about to be sent. Until
     * {@link #delivered} or {@link #retryLater} records the outcome, {@link #due} marks it
     * {@linkplain OutboxItem#attempted() attempted}: after a crash it may have gone out.
     * Returns false if the row is gone.
     */
    public boolean attempting(long id) {
        return vault.writeFirst(c -> {
            try (PreparedStatement s = c.prepareStatement(MARK_SENDING)) {
                s.setLong(1, id);
                return s.executeUpdate() == 1;
            }
        }, false);
    }

    /** The message was sent: its row is erased. Returns false if it was already gone. */
    public boolean delivered(long id) {
        return deliveredAll(List.of(id)) > 0;
    }

    /** Several messages were sent: their rows are erased in one write. Returns how many were still there. */
    public int deliveredAll(List<Long> ids) {
        if (ids.isEmpty()) return 0;
        ids.forEach(retries::remove);
        return vault.writeErasing(c -> {
            int n = 0;
            for (long id : ids) n += delete(c, id);
            return n;
        }, n -> n > 0);
    }

    /** The message can never be sent (e.g. the account is gone): its row is erased. */
    public boolean dropUndeliverable(long id) {
        retries.remove(id);
        boolean erased = erase(id);
        if (erased) LOG.info("outbox.dropped");
        return erased;
    }

    /** Erases every message queued for this recipient (her identity changed); returns how many. */
    public int dropAllFor(String recipient) {
        byte[] person = vault.keys().pseudonyms().of(recipient);
        int erased = vault.write(c -> {
            forgetOpened();
            try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE person = ?")) {
                s.setBytes(1, person);
                return s.executeUpdate();
            }
        }, n -> n > 0);
        return erased;
    }

    /**
     * The send failed for now (or, for a message that may be sent twice, its outcome is unclear): try
     * again after a backoff that doubles from 1 s up to 15 min, with jitter. Clears {@link #attempting}.
     */
    public boolean retryLater(long id) {
        long now = vault.now();
        double jitter = ThreadLocalRandom.current().nextDouble();
        boolean present = vault.write(c -> {
            try (PreparedStatement s = c.prepareStatement("UPDATE outbox SET sending = 0 WHERE id = ?")) {
                s.setLong(1, id);
                return s.executeUpdate() == 1;
            }
        });
        if (!present) {
            retries.remove(id);
            return false;
        }
        retries.compute(id, (k, r) -> {
            int attempts = (r == null ? 0 : r.attempts()) + 1;
            return new Retry(attempts, now + backoff(attempts, jitter).toMillis());
        });
        return true;
    }

    /**
     * The wait after the {@code attempts}-th failure: 1 s, 2 s, 4 s … capped at 15 min, less a
     * random share of up to half ({@code jitter} in [0, 1)) so that retries do not arrive in step.
     */
    static Duration backoff(int attempts, double jitter) {
        long full = FIRST_RETRY.toMillis() << Math.min(Math.max(attempts - 1, 0), 30);
        long capped = Math.min(full, MAX_RETRY.toMillis());
        return Duration.ofMillis(capped - (long) (capped / 2 * jitter));
    }

    /** What makes a reply unique: the message it answers (by timestamp) and its place among the replies. */
    static byte[] replySource(long messageTimestamp, int index) {
        return KeyedHash.lengthPrefixed(REPLY, KeyedHash.longBytes(messageTimestamp),
                ByteBuffer.allocate(4).putInt(index).array());
    }

    /**
     * For a message to someone other than the sender (a relayed reply, a referral to a caseworker):
     * the sender's pseudonym is part of what makes it unique, so two people's messages with the same
     * timestamp can never collide on one recipient.
     */
    static byte[] relaySource(byte[] senderPerson, long messageTimestamp, int index) {
        return KeyedHash.lengthPrefixed(REPLY, senderPerson, KeyedHash.longBytes(messageTimestamp),
                ByteBuffer.allocate(4).putInt(index).array());
    }

    /**
     * Inserts within the caller's transaction. The idempotency key is HMAC(outbox index key,
     * person || source); the source is sealed with the message so rotation can recompute the key.
     */
    long insert(Connection c, String recipient, String text, OutboxFile file, byte[] source) throws SQLException {
        try (Inserter inserter = inserter(c)) {
            return inserter.insert(recipient, text, file, source);
        }
    }

    /** For many inserts in one transaction: its statements are prepared once, not once a row. */
    Inserter inserter(Connection c) {
        return new Inserter(c);
    }

    final class Inserter implements AutoCloseable {
        private final Connection c;
        private PreparedStatement insert;
        private PreparedStatement lastId;
        private PreparedStatement find;

        private Inserter(Connection c) {
            this.c = c;
        }

        /** As {@link Outbox#insert}. */
        long insert(String recipient, String text, OutboxFile file, byte[] source) throws SQLException {
            KeyRing keys = vault.keys();
            byte[] person = keys.pseudonyms().of(recipient);
            byte[] idem = keys.index(KeyPurpose.OUTBOX).of(person, source);
            long now = vault.now();
            if (insert == null) {
                insert = c.prepareStatement("INSERT OR IGNORE INTO outbox"
                        + " (person, idem_key, payload, attempts, next_attempt_at, created_at, expires_at)"
                        + " VALUES (?, ?, ?, 0, ?, ?, ?)");
            }
            insert.setBytes(1, person);
            insert.setBytes(2, idem);
            insert.setBytes(3, seal(vault.rows(), null, new Message(recipient, text, source, file), person, idem));
            insert.setLong(4, Vault.minuteFloor(now));
            insert.setLong(5, Vault.minuteFloor(now));
            insert.setLong(6, Vault.minuteCeil(now + vault.retention().outboxMax().toMillis()));
            if (insert.executeUpdate() == 1) {
                if (lastId == null) lastId = c.prepareStatement("SELECT last_insert_rowid()");
                try (ResultSet r = lastId.executeQuery()) {
                    r.next();
                    return r.getLong(1);
                }
            }
            if (find == null) find = c.prepareStatement("SELECT id FROM outbox WHERE idem_key = ?");
            find.setBytes(1, idem);
            try (ResultSet r = find.executeQuery()) {
                r.next();
                return r.getLong(1);
            }
        }

        @Override
        public void close() throws SQLException {
            for (PreparedStatement s : new PreparedStatement[] {insert, lastId, find}) {
                if (s != null) s.close();
            }
        }
    }

    /**
     * Re-seals every row under {@code to} (in the same day key as before); rows that do not open under
     * {@code from} are deleted.
     */
    int rekey(Connection c, KeyRing from, KeyRing to, RowKeys fromRows, RowKeys toRows, int[] dropped) throws SQLException {
        forgetOpened();
        record Row(long id, byte[] person, byte[] idem, byte[] payload) { }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, person, idem_key, payload FROM outbox");
             ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(new Row(r.getLong(1), r.getBytes(2), r.getBytes(3), r.getBytes(4)));
        }
        int resealed = 0;
        for (Row row : rows) {
            Message m;
            try {
                m = open(fromRows, row.person(), row.idem(), row.payload());
            } catch (VaultException e) {
                delete(c, row.id());
                dropped[0]++;
                continue;
            }
            byte[] person = to.pseudonyms().of(m.recipient());
            byte[] idem = to.index(KeyPurpose.OUTBOX).of(person, m.source());
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE outbox SET person = ?, idem_key = ?, payload = ? WHERE id = ?")) {
                s.setBytes(1, person);
                s.setBytes(2, idem);
                s.setBytes(3, seal(toRows, row.payload(), m, person, idem));
                s.setLong(4, row.id());
                s.executeUpdate();
            }
            resealed++;
        }
        return resealed;
    }

    private record Message(String recipient, String text, byte[] source, OutboxFile file) {
        @Override
        public String toString() {
            return "Message[redacted]";
        }
    }

    private boolean erase(long id) {
        return vault.writeErasing(c -> delete(c, id), n -> n > 0) > 0;
    }

    /** Drops every opened row from memory: a person's rows were erased in some other way. */
    void forgetOpened() {
        opened.clear();
    }

    private int delete(Connection c, long id) throws SQLException {
        opened.remove(id);
        try (PreparedStatement s = c.prepareStatement("DELETE FROM outbox WHERE id = ?")) {
            s.setLong(1, id);
            return s.executeUpdate();
        }
    }

    /** Under today's day key, or with {@code like}, under the key that sealed {@code like}. */
    private static byte[] seal(RowKeys rows, byte[] like, Message m, byte[] person, byte[] idem) {
        Payload.Writer w = new Payload.Writer().string(m.recipient()).string(m.text()).bytes(m.source());
        if (m.file() != null) w.flag(true).string(m.file().name()).string(m.file().mediaType()).bytes(m.file().data());
        byte[] plain = w.toBytes();
        try {
            return like == null ? rows.seal(KeyPurpose.OUTBOX, plain, TABLE, person, idem)
                    : rows.sealLike(like, KeyPurpose.OUTBOX, plain, TABLE, person, idem);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Message open(RowKeys rows, byte[] person, byte[] idem, byte[] sealed) {
        byte[] plain = rows.open(KeyPurpose.OUTBOX, sealed, TABLE, person, idem);
        try {
            Payload.Reader in = new Payload.Reader(plain);
            String recipient = in.string();
            String text = in.string();
            byte[] source = in.bytes();
            OutboxFile file = in.hasMore() && in.flag() ? new OutboxFile(in.string(), in.string(), in.bytes()) : null;
            Message m = new Message(recipient, text, source, file);
            in.end();
            return m;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
