package org.dari.store;

import org.dari.log.SafeLog;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Inbound messages, kept from the moment they are accepted until their replies are in the outbox,
 * so that a crash in between loses nothing. Obtained from {@link Vault#journal()}.
 */
public final class Journal {
    static final String TABLE = "journal";
    private static final SafeLog LOG = SafeLog.of(Journal.class);

    private final Vault vault;

    Journal(Vault vault) {
        this.vault = vault;
    }

    /**
     * Stores the message, sealed, and returns its id once the write is committed. The same sender
     * and timestamp accepted again return the existing id.
     */
    public long accept(String sender, String text, long timestamp, boolean hadAttachments) {
        return acceptAll(List.of(new Arrival(sender, text, timestamp, hadAttachments)))[0];
    }

    /** One received message, as {@link #acceptAll} takes it. */
    public record Arrival(String sender, String text, long timestamp, boolean hadAttachments) {
        public Arrival {
            Objects.requireNonNull(sender, "sender");
            Objects.requireNonNull(text, "text");
        }

        @Override
        public String toString() {
            return "Arrival[redacted]";
        }
    }

    /**
     * Stores every message, sealed, in one transaction (one fsync for all of them) and returns
     * their ids in the same order once the write is committed; either all are stored or none.
     * The same sender and timestamp (accepted before, or twice in this list) give the same id.
     */
    public long[] acceptAll(List<Arrival> arrivals) {
        Keyed keyed = keyed(vault.keys(), arrivals);
        long now = vault.now();
        return vault.write(c -> journal(c, arrivals, keyed, now));
    }

    /** Each arrival's pseudonym and journal dedup key, made before taking the store. */
    private record Keyed(byte[][] persons, byte[][] dedups) {
    }

    private static Keyed keyed(KeyRing keys, List<Arrival> arrivals) {
        int n = arrivals.size();
        byte[][] persons = new byte[n][];
        byte[][] dedups = new byte[n][];
        for (int i = 0; i < n; i++) {
            persons[i] = keys.pseudonyms().of(arrivals.get(i).sender());
            dedups[i] = dedupKey(keys, persons[i], arrivals.get(i).timestamp());
        }
        return new Keyed(persons, dedups);
    }

    private long[] journal(Connection c, List<Arrival> arrivals, Keyed keyed, long now) throws SQLException {
        int n = arrivals.size();
        byte[][] persons = keyed.persons();
        byte[][] dedups = keyed.dedups();
        long expires = now + vault.retention().journalMax().toMillis();
        long[] ids = new long[n];
        try (PreparedStatement find = c.prepareStatement("SELECT id FROM journal WHERE dedup = ?");
             PreparedStatement insert = c.prepareStatement(
                     "INSERT INTO journal (person, dedup, payload, received_at, expires_at) VALUES (?, ?, ?, ?, ?)")) {
            for (int i = 0; i < n; i++) {
                find.setBytes(1, dedups[i]);
                try (ResultSet r = find.executeQuery()) {
                    if (r.next()) {
                        ids[i] = r.getLong(1);
                        continue;
                    }
                }
                Arrival a = arrivals.get(i);
                insert.setBytes(1, persons[i]);
                insert.setBytes(2, dedups[i]);
                insert.setBytes(3, seal(vault.rows(), null, new Entry(a.sender(), a.text(), a.timestamp(), a.hadAttachments()),
                        persons[i], dedups[i]));
                insert.setLong(4, Vault.minuteFloor(now));
                insert.setLong(5, Vault.minuteCeil(expires));
                insert.executeUpdate();
                ids[i] = lastInsertId(c);
            }
        }
        return ids;
    }

    /**
     * Every unanswered message, oldest first. A row that no longer decrypts is deleted and counted
     * in the log; it never stops the listing.
     */
    public List<PendingInbound> pending() {
        List<PendingInbound> result = new ArrayList<>();
        int quarantined = vault.write(c -> {
            result.clear();
            List<Long> unreadable = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT id, person, dedup, payload, received_at FROM journal ORDER BY received_at, id");
                 ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    long id = r.getLong(1);
                    try {
                        Entry e = open(vault.rows(), r.getBytes(2), r.getBytes(3), r.getBytes(4));
                        result.add(new PendingInbound(id, e.sender(), e.text(), e.timestamp(), e.hadAttachments(),
                                Instant.ofEpochMilli(r.getLong(5))));
                    } catch (VaultException e) {
                        unreadable.add(id);
                    }
                }
            }
            for (long id : unreadable) delete(c, id);
            return unreadable.size();
        });
        if (quarantined > 0) {
            LOG.warn("journal.unreadable.deleted", "rows", quarantined);
            vault.checkpoint();
        }
        return result;
    }

    /**
     * In one transaction: deletes the entry and queues one outbox message per reply to its sender.
     * Completing an entry that is already gone does nothing and returns false; replies carry
     * idempotency keys derived from (person, message timestamp, reply index), so they are never
     * queued twice.
     */
    public boolean complete(long journalId, List<String> replyTexts) {
        return finish(journalId, new Completion(replyTexts, List.of(), List.of(), false)) >= 0;
    }

    /**
     * Everything one message caused, done in one transaction: replies to its sender, messages to
     * other accounts (relayed replies, referrals to caseworkers) and changes to referral links.
     * With {@code forget}, every row about the sender is erased first.
     */
    public record Completion(List<String> replies, List<Relayed> relayed, List<ReferralLinks.Op> linkOps, boolean forget) {
        public Completion {
            replies = List.copyOf(replies);
            relayed = List.copyOf(relayed);
            linkOps = List.copyOf(linkOps);
        }
    }

    /** A message to someone other than the sender. */
    public record Relayed(String recipient, String text, OutboxFile file) {
        @Override
        public String toString() {
            return "Relayed[redacted]";
        }
    }

    /** Returns rows erased (forget) or 1 when completed, -1 if the entry was already gone. */
    public int finish(long journalId, Completion completion) {
        return finish(journalId, completion.replies(), completion.relayed(), completion.linkOps(), completion.forget());
    }

    /**
     * For an erase request: in one transaction erases every row about the entry's sender (this entry
     * included) and queues the replies (the confirmation). Returns the rows erased, 0 if the entry
     * was already gone.
     */
    public int completeAndForget(long journalId, List<String> replyTexts) {
        return Math.max(0, finish(journalId, new Completion(replyTexts, List.of(), List.of(), true)));
    }

    /**
     * {@link #finish} without waiting for the commit: {@code done} is told the outcome (null, or the
     * failure) once it is committed, with other writes in one group. An erasure she asked for is
     * finished at once, as {@link #finish} does, before {@code done} is told.
     */
    public void finishLater(long journalId, Completion completion, java.util.function.Consumer<RuntimeException> done) {
        if (completion.forget()) {
            try {
                finish(journalId, completion);
            } catch (RuntimeException e) {
                done.accept(e);
                return;
            }
            done.accept(null);
            return;
        }
        vault.writeLater(finishWork(journalId, completion.replies(), completion.relayed(), completion.linkOps(), false),
                n -> n >= 0, done);
    }

    private int finish(long journalId, List<String> replies, List<Relayed> relayed, List<ReferralLinks.Op> linkOps,
                       boolean forget) {
        Vault.SqlWork<Integer> work = finishWork(journalId, replies, relayed, linkOps, forget);
        // an erasure she asked for leaves the WAL before she is told; an answered message soon after
        return forget ? vault.write(work, n -> n >= 0) : vault.writeErasing(work, n -> n >= 0);
    }

    private Vault.SqlWork<Integer> finishWork(long journalId, List<String> replies, List<Relayed> relayed,
                                              List<ReferralLinks.Op> linkOps, boolean forget) {
        return c -> {
            Entry entry;
            byte[] person;
            try (PreparedStatement s = c.prepareStatement("SELECT person, dedup, payload FROM journal WHERE id = ?")) {
                s.setLong(1, journalId);
                try (ResultSet r = s.executeQuery()) {
                    if (!r.next()) return -1;
                    person = r.getBytes(1);
                    entry = open(vault.rows(), person, r.getBytes(2), r.getBytes(3));
                }
            }
            int n;
            if (forget) {
                n = vault.erasePersonUpTo(c, person, journalId);
            } else {
                delete(c, journalId);
                n = 1;
            }
            try (Outbox.Inserter outbox = vault.outbox().inserter(c)) {
                queueEffects(c, outbox, entry.sender(), person, entry.timestamp(), replies, relayed, linkOps);
            }
            return n;
        };
    }

    /** What a message caused, within the caller's transaction: its replies, relayed messages and link changes. */
    private void queueEffects(Connection c, Outbox.Inserter outbox, String sender, byte[] person, long timestamp,
                              List<String> replies, List<Relayed> relayed, List<ReferralLinks.Op> linkOps)
            throws SQLException {
        for (int i = 0; i < replies.size(); i++) {
            outbox.insert(sender, replies.get(i), null, Outbox.replySource(timestamp, i));
        }
        for (int i = 0; i < relayed.size(); i++) {
            Relayed m = relayed.get(i);
            outbox.insert(m.recipient(), m.text(), m.file(), Outbox.relaySource(person, timestamp, i));
        }
        for (ReferralLinks.Op op : linkOps) vault.referrals().apply(c, op);
    }

    /** A message answered before it was journaled, with what its answer causes. */
    public record Answered(Arrival arrival, Completion completion) {
        public Answered {
            Objects.requireNonNull(arrival, "arrival");
            if (completion.forget()) throw new IllegalArgumentException("an erasure goes through the journal");
        }

        @Override
        public String toString() {
            return "Answered[redacted]";
        }
    }

    /**
     * One hand-over from the transport, in one transaction (one fsync; all or none): journals
     * {@code unanswered} as {@link #acceptAll} does and queues what each of {@code answered}
     * caused, as {@link #finish} would after journaling it, so an answer ready in time never
     * touches the journal. Returns the journal ids of {@code unanswered}, in order.
     */
    public long[] acceptAnswering(List<Arrival> unanswered, List<Answered> answered) {
        KeyRing keys = vault.keys();
        Keyed keyed = keyed(keys, unanswered);
        byte[][] answeredPersons = new byte[answered.size()][];
        for (int i = 0; i < answeredPersons.length; i++) {
            answeredPersons[i] = keys.pseudonyms().of(answered.get(i).arrival().sender());
        }
        long now = vault.now();
        return vault.write(c -> {
            long[] ids = unanswered.isEmpty() ? new long[0] : journal(c, unanswered, keyed, now);
            try (Outbox.Inserter outbox = vault.outbox().inserter(c)) {
                for (int i = 0; i < answeredPersons.length; i++) {
                    Arrival a = answered.get(i).arrival();
                    Completion done = answered.get(i).completion();
                    queueEffects(c, outbox, a.sender(), answeredPersons[i], a.timestamp(), done.replies(), done.relayed(),
                            done.linkOps());
                }
            }
            return ids;
        });
    }

    /**
     * Re-seals every row under {@code to} (in the same day key as before); rows that do not open under
     * {@code from} are deleted.
     */
    int rekey(Connection c, KeyRing from, KeyRing to, RowKeys fromRows, RowKeys toRows, int[] dropped) throws SQLException {
        record Row(long id, byte[] person, byte[] dedup, byte[] payload) { }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, person, dedup, payload FROM journal");
             ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(new Row(r.getLong(1), r.getBytes(2), r.getBytes(3), r.getBytes(4)));
        }
        int resealed = 0;
        for (Row row : rows) {
            Entry entry;
            try {
                entry = open(fromRows, row.person(), row.dedup(), row.payload());
            } catch (VaultException e) {
                delete(c, row.id());
                dropped[0]++;
                continue;
            }
            byte[] person = to.pseudonyms().of(entry.sender());
            byte[] dedup = dedupKey(to, person, entry.timestamp());
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE journal SET person = ?, dedup = ?, payload = ? WHERE id = ?")) {
                s.setBytes(1, person);
                s.setBytes(2, dedup);
                s.setBytes(3, seal(toRows, row.payload(), entry, person, dedup));
                s.setLong(4, row.id());
                s.executeUpdate();
            }
            resealed++;
        }
        return resealed;
    }

    private record Entry(String sender, String text, long timestamp, boolean hadAttachments) {
        @Override
        public String toString() {
            return "Entry[redacted]";
        }
    }

    private static byte[] dedupKey(KeyRing keys, byte[] person, long timestamp) {
        return keys.index(KeyPurpose.JOURNAL).of(person, KeyedHash.longBytes(timestamp));
    }

    /** Under today's day key, or with {@code like}, under the key that sealed {@code like}. */
    private static byte[] seal(RowKeys rows, byte[] like, Entry e, byte[] person, byte[] dedup) {
        byte[] plain = new Payload.Writer().string(e.sender()).string(e.text()).number(e.timestamp())
                .flag(e.hadAttachments()).toBytes();
        try {
            return like == null ? rows.seal(KeyPurpose.JOURNAL, plain, TABLE, person, dedup)
                    : rows.sealLike(like, KeyPurpose.JOURNAL, plain, TABLE, person, dedup);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Entry open(RowKeys rows, byte[] person, byte[] dedup, byte[] sealed) {
        byte[] plain = rows.open(KeyPurpose.JOURNAL, sealed, TABLE, person, dedup);
        try {
            Payload.Reader in = new Payload.Reader(plain);
            Entry entry = new Entry(in.string(), in.string(), in.number(), in.flag());
            in.end();
            return entry;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static void delete(Connection c, long id) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("DELETE FROM journal WHERE id = ?")) {
            s.setLong(1, id);
            s.executeUpdate();
        }
    }

    static long lastInsertId(Connection c) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT last_insert_rowid()"); ResultSet r = s.executeQuery()) {
            r.next();
            return r.getLong(1);
        }
    }
}
