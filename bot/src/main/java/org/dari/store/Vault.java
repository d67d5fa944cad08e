package org.dari.store;

import org.dari.log.SafeLog;
import org.dari.store.VaultException.Problem;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The encrypted SQLite store: an inbound {@link Journal} and an {@link Outbox}. A person appears
 * only as a keyed pseudonym; every payload is sealed; every row about a person has an expiry.
 *
 * <p>Storage settings, chosen so that erased data leaves no copy on disk:
 * <ul>
 * <li>{@code secure_delete=ON}: SQLite overwrites deleted content with zeros.
 * <li>{@code auto_vacuum=FULL}: freed pages are moved to the end and cut off at each commit. It
 *     only takes effect if set before the first table is created.
 * <li>{@code journal_mode=WAL}, not a rollback journal: a rollback journal copies the <em>old</em>
 *     pages (the very data being deleted) into {@code -journal} and then merely unlinks it; the WAL
 *     only ever receives <em>new</em> page images. Frames written earlier may still hold rows that
 *     were since erased, so after every erase a person asks for, purge and on close we run
 *     {@code wal_checkpoint(TRUNCATE)}: the zeroed pages reach the main file and the WAL is cut to
 *     zero length. Routine erasures restart it within {@link #CHECKPOINT_DELAY} and truncate it
 *     within {@link #TRUNCATE_AT_LEAST_EVERY}.
 * <li>{@code locking_mode=EXCLUSIVE}: one process owns the file (a second bot or a key rotation on a
 *     live database is refused), and no {@code -shm} file is made. {@code temp_store=MEMORY}: no
 *     temporary files.
 * <li>{@code synchronous=FULL}: a commit is on disk before the call returns (nothing is lost).
 * </ul>
 * All access goes through one connection, serialised on this object; concurrent writes are
 * committed together (group commit, see {@link #write(SqlWork, Predicate)}).
 *
 * <p>Rows are sealed under the random data key of the UTC day they were written ({@link RowKeys},
 * {@link PeriodKeys}). After each purge, every key of a past day that no stored row still needs is
 * destroyed (checked and destroyed holding this object, so no row can be sealed under it meanwhile):
 * since every row expires (journal and outbox 7 days, a referral 30 days after its last activity,
 * which re-seals it under that day's key), a day's key lives at most that long plus one purge
 * interval, and often ends the day after, once that day's messages are answered and delivered.
 */
public final class Vault implements AutoCloseable {
    public static final String DATABASE_FILE = "dari.db";

    /** Ordered forward migrations: schema version N is reached by applying steps 1..N. */
    static final List<String> MIGRATIONS = List.of(
            "CREATE TABLE key_check (id INTEGER PRIMARY KEY CHECK (id = 1), sealed BLOB NOT NULL)",
            // AUTOINCREMENT: an id is never reused, so completing or delivering an id twice can never hit a newer row
            "CREATE TABLE journal (id INTEGER PRIMARY KEY AUTOINCREMENT, person BLOB NOT NULL,"
                    + " dedup BLOB NOT NULL UNIQUE, payload BLOB NOT NULL,"
                    + " received_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
            "CREATE INDEX journal_person ON journal (person)",
            "CREATE INDEX journal_expiry ON journal (expires_at)",
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, person BLOB NOT NULL,"
                    + " idem_key BLOB NOT NULL UNIQUE, payload BLOB NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
                    + " next_attempt_at INTEGER NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL)",
            "CREATE INDEX outbox_person ON outbox (person, id)",
            "CREATE INDEX outbox_due ON outbox (next_attempt_at)",
            "CREATE INDEX outbox_expiry ON outbox (expires_at)",
            "CREATE TABLE referral_link (id INTEGER PRIMARY KEY AUTOINCREMENT, code_index BLOB NOT NULL UNIQUE,"
                    + " meta BLOB NOT NULL, link BLOB NOT NULL, expires_at INTEGER NOT NULL, warned INTEGER NOT NULL DEFAULT 0)",
            "CREATE INDEX referral_link_expiry ON referral_link (expires_at)",
            // 1 from just before a send until its outcome is known: after a crash, the send may have gone out
            "ALTER TABLE outbox ADD COLUMN sending INTEGER NOT NULL DEFAULT 0",
            // no change to the tables: from here on rows are sealed under day keys (Sealer version 3), which
            // an older Dari cannot open; the step makes it refuse the database instead of dropping such rows
            "SELECT 1");

    private static final long MINUTE_MS = 60_000;

    /**
     * Times stored in the clear are coarse: what happened is rounded down to the minute, when a row
     * expires is rounded up to it (so nothing is erased early). A seized file then shows no
     * millisecond timing to match against Signal's own records.
     */
    static long minuteFloor(long epochMs) {
        return Math.floorDiv(epochMs, MINUTE_MS) * MINUTE_MS;
    }

    static long minuteCeil(long epochMs) {
        return -Math.floorDiv(-epochMs, MINUTE_MS) * MINUTE_MS;
    }

    /** Every table with a {@code person} column; {@link #forget} erases from all of them. Referral tables go here. */
    static final List<String> PERSON_TABLES = List.of(Journal.TABLE, Outbox.TABLE);
    /** Every table with an {@code expires_at} column; {@link #purgeExpired} sweeps all of them. */
    static final List<String> EXPIRING_TABLES = List.of(Journal.TABLE, Outbox.TABLE, ReferralLinks.TABLE);

    private static final SafeLog LOG = SafeLog.of(Vault.class);
    private static final byte[] SQLITE_HEADER = "SQLite format 3\0".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] KEY_CHECK_CONSTANT = "dari key check v1".getBytes(StandardCharsets.US_ASCII);
    private static final String KEY_CHECK_TABLE = "key_check";

    private final Path dbFile;
    private final Connection connection;
    private final KeyRing keys;
    private final Clock clock;
    private final Retention retention;
    private final Journal journal;
    private final Outbox outbox;
    private final ReferralLinks referrals;
    private PeriodKeys periods;
    private RowKeys rows;
    private volatile boolean closed;
    /** Writes waiting for the next group commit. */
    private final ConcurrentLinkedQueue<Queued<?>> waiting = new ConcurrentLinkedQueue<>();
    /** Writes that go into the next group before those {@link #waiting} (see {@link #writeFirst}). */
    private final ConcurrentLinkedQueue<Queued<?>> ahead = new ConcurrentLinkedQueue<>();
    /** Committed {@link #writeLater} writes whose callers are still to be told, in commit order ({@link #tellInOrder}). */
    private final ConcurrentLinkedQueue<Queued<?>> toTell = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean telling = new java.util.concurrent.atomic.AtomicBoolean();
    private static final int MAX_GROUP = 256;
    /** The longest a routinely erased row may stay in the WAL's live part (see {@link #writeErasing}, {@link #TRUNCATE_AT_LEAST_EVERY}). */
    public static final java.time.Duration CHECKPOINT_DELAY = java.time.Duration.ofMillis(200);
    private boolean checkpointOwed;
    /** Transactions committed (each one fsync); guarded by this object. */
    private long commits;
    private final Object committerStart = new Object();
    /** Commits what {@link #writeLater} queues; started with the first such write. */
    private Thread committer;
    private long lastCheckpoint = System.nanoTime();
    /**
     * The longest an old frame stays in the WAL file after a routine checkpoint. A routine
     * checkpoint ({@link #routineCheckpoint}) moves everything into the main file and restarts the
     * WAL from its beginning, but leaves the file its size: the commits after it overwrite frames
     * in place instead of growing the file again (a truncated WAL made every commit after it also
     * write the file's new size; in dari bench that cost 1-9 ms of p99 in three pairs of runs).
     * Frames not yet overwritten stay until the WAL is truncated: at least this often, and at once
     * after an erasure a person asked for, a purge, a key rotation and on closing.
     */
    public static final java.time.Duration TRUNCATE_AT_LEAST_EVERY = java.time.Duration.ofSeconds(5);
    private long truncateEveryNanos = TRUNCATE_AT_LEAST_EVERY.toNanos();
    private long lastTruncate = System.nanoTime();
    /** A routine checkpoint restarted the WAL since it was last truncated: old frames may be in the file. */
    private boolean walRestarted;

    private Vault(Path dbFile, Connection connection, KeyRing keys, Clock clock, Retention retention) {
        this.dbFile = dbFile;
        this.connection = connection;
        this.keys = keys;
        this.clock = clock;
        this.retention = retention;
        this.journal = new Journal(this);
        this.outbox = new Outbox(this);
        this.referrals = new ReferralLinks(this);
    }

    /**
     * Opens (or creates) the vault in {@code dataDir} and purges expired rows. The caller keeps
     * ownership of {@code keys}.
     */
    public static Vault open(Path dataDir, KeyRing keys, Clock clock, Retention retention) {
        Path dbFile = dataDir.resolve(DATABASE_FILE).toAbsolutePath();
        prepareFile(dataDir, dbFile);
        Connection connection;
        try {
            connection = DriverManager.getConnection("jdbc:sqlite:" + dbFile);
        } catch (SQLException e) {
            throw failure(dbFile, e);
        }
        Vault vault = new Vault(dbFile, connection, keys, clock, retention);
        try {
            vault.configure();
            vault.checkKey(); // before anything is written: a wrong key changes nothing
            vault.migrate();
            vault.openPeriodKeys(dataDir);
            vault.createKeyCheck();
            vault.seedSequences();
            vault.purgeExpired();
            return vault;
        } catch (SQLException e) {
            vault.closeQuietly();
            throw failure(dbFile, e);
        } catch (RuntimeException e) {
            vault.closeQuietly();
            throw e;
        }
    }

    /** True if a database exists in {@code dataDir} (an empty placeholder file does not count). */
    static boolean exists(Path dataDir) {
        Path file = dataDir.resolve(DATABASE_FILE);
        try {
            return Files.exists(file) && Files.size(file) > 0;
        } catch (IOException e) {
            return true;
        }
    }

    public Journal journal() {
        return journal;
    }

    public Outbox outbox() {
        return outbox;
    }

    public ReferralLinks referrals() {
        return referrals;
    }

    public Retention retention() {
        return retention;
    }

    /** Erases every row about the person in one transaction, then checkpoints; returns rows removed. */
    public int forget(String sender) {
        byte[] person = keys.pseudonyms().of(sender);
        int removed = write(c -> erasePerson(c, person));
        checkpoint();
        return removed;
    }

    /** Deletes every row whose expiry has passed, then checkpoints; returns rows removed. */
    public int purgeExpired() {
        long now = now();
        int removed = write(c -> {
            outbox.forgetOpened();
            int n = 0;
            for (String table : EXPIRING_TABLES) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE expires_at <= ?")) {
                    s.setLong(1, now);
                    n += s.executeUpdate();
                }
            }
            return n;
        });
        checkpoint();
        if (removed > 0) LOG.info("vault.purged", "rows", removed);
        destroyUnneededPeriodKeys();
        return removed;
    }

    /**
     * Destroys the key of every past day that no row needs any more (rows first, then the key: call
     * after a purge). Today's key stays. Returns how many keys were destroyed.
     */
    synchronized int destroyUnneededPeriodKeys() {
        requireOpen();
        int today = rows.today();
        int destroyed = write(c -> {
            java.util.Set<Integer> needed = referencedPeriods();
            int n = 0;
            for (int day : periods.days()) {
                if (day < today && !needed.contains(day) && periods.destroy(day)) n++;
            }
            return n;
        });
        if (destroyed > 0) LOG.info("vault.period_keys.destroyed", "keys", destroyed);
        return destroyed;
    }

    /** The days named by any sealed column of any row (the period is in the clear in each value's header). */
    private java.util.Set<Integer> referencedPeriods() throws SQLException {
        java.util.Set<Integer> days = new java.util.HashSet<>();
        for (String[] column : SEALED_COLUMNS) {
            try (Statement s = connection.createStatement();
                 ResultSet r = s.executeQuery("SELECT DISTINCT substr(" + column[1] + ", 1, " + Sealer.PERIOD_HEADER
                         + ") FROM " + column[0] + " WHERE substr(" + column[1] + ", 1, 1) = x'0" + Sealer.PERIOD_VERSION + "'")) {
                while (r.next()) {
                    int day = Sealer.periodOf(r.getBytes(1));
                    if (day != Sealer.NO_PERIOD) days.add(day);
                }
            }
        }
        return days;
    }

    /** Every column sealed by {@link RowKeys} (table, column); a new sealed column must be listed here. */
    static final List<String[]> SEALED_COLUMNS = List.of(new String[] {Journal.TABLE, "payload"},
            new String[] {Outbox.TABLE, "payload"}, new String[] {ReferralLinks.TABLE, "meta"});

    /** Commits what is still queued, checkpoints and closes; writes queued afterwards are refused. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) return;
            try {
                while (!waiting.isEmpty() || !ahead.isEmpty()) commitWaiting();
                checkpoint();
            } finally {
                closeQuietly();
            }
        }
        tellInOrder();
        synchronized (committerStart) {
            if (committer != null) LockSupport.unpark(committer);
        }
    }

    // ---- package-private plumbing for Journal, Outbox and KeyRotation ----

    @FunctionalInterface
    interface SqlWork<T> {
        T run(Connection connection) throws SQLException;
    }

    /** Runs {@code work} in one transaction; it is committed (and durable) when this returns. */
    <T> T write(SqlWork<T> work) {
        return write(work, result -> false);
    }

    /**
     * Like {@link #write}, and when {@code erased} holds for the result, the WAL is checkpointed
     * before this returns, so that erased rows leave no copy in it.
     *
     * <p>Group commit: writes that arrive while another thread is committing wait, then go in one
     * transaction together, each inside its own savepoint (a failing write is rolled back alone and
     * its caller gets the exception). One fsync and at most one checkpoint serve the whole group;
     * every caller still returns only after its own work is committed (and checkpointed).
     */
    <T> T write(SqlWork<T> work, Predicate<? super T> erased) {
        return write(work, erased, r -> false, waiting);
    }

    /**
     * Like {@link #write}, but goes into the next group ahead of writes queued with {@link #writeLater}
     * (which are then committed after it, in their order). Only for work whose meaning does not depend
     * on those: delivery's reading of the queue and marking of sends, which must not wait behind a
     * long queue of answers being recorded.
     */
    <T> T writeFirst(SqlWork<T> work, boolean erasesRoutinely) {
        return write(work, r -> false, r -> erasesRoutinely, ahead);
    }

    private <T> T write(SqlWork<T> work, Predicate<? super T> erased, Predicate<? super T> routineErasure,
                        java.util.Queue<Queued<?>> queue) {
        if (Thread.holdsLock(this)) {
            // nested inside a vault operation that already holds the connection (rotation, migration)
            T result = writeNow(work);
            if (erased.test(result)) checkpoint();
            return result;
        }
        Queued<T> queued = new Queued<>(work, erased, routineErasure, null);
        queue.add(queued);
        boolean aheadOnly = queue == ahead;
        synchronized (this) {
            // a long queue is committed in groups of MAX_GROUP: go on until this write is in one
            while (!queued.finished) commitWaiting(aheadOnly);
        }
        tellInOrder();
        if (queued.failure != null) {
            // the operator must see why messages wait (a lock held by another process, a full disk)
            if (queued.failure instanceof VaultException v) LOG.error("vault.write_failed", "problem", v.problem());
            throw queued.failure;
        }
        return queued.result;
    }

    /**
     * Queues {@code work} for the next group commit and returns at once; {@code done} is told the
     * outcome (null, or the failure) after the commit, holding no lock, on a thread that committed;
     * the callers are told one at a time, in the order their writes were committed.
     * The caller's thread goes on meanwhile: this is how many writers share one fsync without each
     * waiting for it. Writes queued this way are committed in the order queued. When {@code
     * routineErasure} holds for the result, the WAL is checkpointed within {@link
     * #CHECKPOINT_DELAY}, as for {@link #writeErasing}.
     */
    <T> void writeLater(SqlWork<T> work, Predicate<? super T> routineErasure, Consumer<RuntimeException> done) {
        Queued<T> queued = new Queued<>(work, r -> false, routineErasure, done);
        synchronized (committerStart) {
            if (committer == null) {
                committer = new Thread(this::commitLoop, "dari-vault-commit");
                committer.setDaemon(true);
                committer.start();
            }
        }
        waiting.add(queued);
        LockSupport.unpark(committer);
        if (closed) {
            // the committer may have stopped already: refuse what waits here (commitWaiting fails it)
            synchronized (this) {
                commitWaiting();
            }
            tellInOrder();
        }
    }

    /** The committer thread: commits whatever {@link #writeLater} queued, as one group, until closed. */
    private void commitLoop() {
        while (true) {
            if (waiting.isEmpty()) {
                if (closed) return;
                LockSupport.park(this);
                continue;
            }
            synchronized (this) {
                commitWaiting();
            }
            tellInOrder();
        }
    }

    /**
     * Tells each committed {@link #writeLater} caller its outcome, in commit order, one at a time;
     * call holding no lock. Groups are committed on several threads (the committer, any caller of
     * {@link #write}), each telling its own group after letting go of the store: told that way, a
     * later group could be told first, and a person's answers reported out of order. So the told
     * wait in {@link #toTell}, queued while the store is held, and whichever thread finds no one
     * else telling tells them all.
     */
    private void tellInOrder() {
        while (!toTell.isEmpty()) {
            if (!telling.compareAndSet(false, true)) return; // the thread telling now tells these too
            try {
                for (Queued<?> q; (q = toTell.poll()) != null; ) {
                    if (q.failure instanceof VaultException v) LOG.error("vault.write_failed", "problem", v.problem());
                    try {
                        q.done.accept(q.failure);
                    } catch (RuntimeException e) {
                        LOG.error("vault.write_callback_failed", "error", SafeLog.kind(e));
                    }
                }
            } finally {
                telling.set(false);
            }
        }
    }

    /**
     * Like {@link #write}, for routine erasures (an answered journal entry, a delivered reply): when
     * {@code erased} holds, the WAL is checkpointed within {@link #CHECKPOINT_DELAY} (by a later
     * write or {@link #checkpointIfOwed}), not before this returns. A checkpoint per message would
     * cost more than everything else a message does; erasures a person asked for use {@link
     * #write(SqlWork, Predicate)}.
     */
    <T> T writeErasing(SqlWork<T> work, Predicate<? super T> erased) {
        T result = write(work, r -> false);
        if (erased.test(result)) {
            synchronized (this) {
                checkpointOwed = true;
                if (routineCheckpointDue()) routineCheckpoint();
            }
        }
        return result;
    }

    /** Transactions committed since the vault was opened, each one fsync: for measuring (dari bench) and tests. */
    public synchronized long commits() {
        return commits;
    }

    /** Writes queued behind the one committing now (for tests). */
    int waitingWrites() {
        return waiting.size() + ahead.size();
    }

    /**
     * Checkpoints if a routine erasure is waiting for one, and truncates the WAL if a routine
     * checkpoint left old frames in it {@link #TRUNCATE_AT_LEAST_EVERY} ago; the bot calls this on a timer.
     */
    public synchronized void checkpointIfOwed() {
        if (closed) return;
        if (walRestarted && truncationDue()) checkpoint();
        else if (checkpointOwed) routineCheckpoint();
    }

    /** For tests: how often the WAL is truncated at the least. */
    synchronized void truncateAtLeastEvery(java.time.Duration every) {
        truncateEveryNanos = every.toNanos();
    }

    private static final class Queued<T> {
        final SqlWork<T> work;
        final Predicate<? super T> erased;
        final Predicate<? super T> routineErasure;
        /** For {@link #writeLater}: told the outcome after the commit; null for a caller that waits. */
        final Consumer<RuntimeException> done;
        T result;
        RuntimeException failure;
        volatile boolean finished;

        Queued(SqlWork<T> work, Predicate<? super T> erased, Predicate<? super T> routineErasure,
               Consumer<RuntimeException> done) {
            this.work = work;
            this.erased = erased;
            this.routineErasure = routineErasure;
            this.done = done;
        }

        void run(Connection c) throws SQLException {
            result = work.run(c);
        }

        boolean needsCheckpoint() {
            return failure == null && erased.test(result);
        }

        boolean owesCheckpoint() {
            return failure == null && routineErasure.test(result);
        }
    }

    /** Commits everything waiting (up to {@link #MAX_GROUP}) in one transaction; called holding the lock. */
    private void commitWaiting() {
        commitWaiting(false);
    }

    /**
     * {@code aheadOnly}: for a {@link #writeFirst} caller, which commits only the writes queued ahead
     * and leaves the others to their own callers and the committer thread (so delivery never does
     * the work of recording answers, nor waits for it).
     */
    private void commitWaiting(boolean aheadOnly) {
        List<Queued<?>> batch = new ArrayList<>();
        for (Queued<?> q; batch.size() < MAX_GROUP && (q = ahead.poll()) != null; ) batch.add(q);
        if (!aheadOnly) for (Queued<?> q; batch.size() < MAX_GROUP && (q = waiting.poll()) != null; ) batch.add(q);
        if (batch.isEmpty()) return;
        try {
            if (closed) throw new IllegalStateException("vault is closed");
            if (batch.size() == 1) {
                Queued<?> only = batch.get(0);
                only.result = castResult(writeNow(only.work));
            } else {
                commitGroup(batch);
            }
            boolean checkpoint = false;
            boolean owed = false;
            for (Queued<?> q : batch) {
                checkpoint |= q.needsCheckpoint();
                owed |= q.owesCheckpoint();
            }
            if (owed) checkpointOwed = true;
            if (checkpoint || (owed && routineCheckpointDue())) {
                try {
                    if (checkpoint) checkpoint();
                    else routineCheckpoint();
                } catch (RuntimeException e) {
                    for (Queued<?> q : batch) if (q.needsCheckpoint()) q.failure = e;
                }
            }
        } catch (RuntimeException e) {
            for (Queued<?> q : batch) if (q.failure == null) q.failure = e;
        } finally {
            for (Queued<?> q : batch) {
                if (q.done != null) toTell.add(q); // holding the store: in commit order
                q.finished = true;
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> T castResult(Object o) {
        return (T) o;
    }

    private void commitGroup(List<Queued<?>> batch) {
        try {
            connection.setAutoCommit(false);
            try {
                for (Queued<?> q : batch) {
                    exec("SAVEPOINT w");
                    try {
                        q.run(connection);
                        exec("RELEASE w");
                    } catch (SQLException | RuntimeException e) {
                        exec("ROLLBACK TO w");
                        exec("RELEASE w");
                        q.failure = e instanceof SQLException sql ? failure(dbFile, sql) : (RuntimeException) e;
                    }
                }
                connection.commit();
                commits++;
            } catch (SQLException | RuntimeException e) {
                try {
                    connection.rollback();
                } catch (SQLException ignored) {
                    // SQLite may have rolled back already (disk full, I/O error); nothing was committed
                }
                for (Queued<?> q : batch) q.failure = null;
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(dbFile, e);
        }
    }

    /** One transaction on the caller's thread, holding the lock. */
    private synchronized <T> T writeNow(SqlWork<T> work) {
        requireOpen();
        try {
            connection.setAutoCommit(false);
            try {
                T result = work.run(connection);
                connection.commit();
                commits++;
                return result;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(dbFile, e);
        }
    }

    /** Moves the WAL into the main file and truncates the WAL to zero bytes. */
    synchronized void checkpoint() {
        checkpoint("TRUNCATE");
        lastTruncate = lastCheckpoint;
        walRestarted = false;
    }

    /**
     * For routine erasures: moves the WAL into the main file and restarts it from its beginning;
     * truncates it instead if it was last truncated {@link #TRUNCATE_AT_LEAST_EVERY} ago.
     */
    private synchronized void routineCheckpoint() {
        if (truncationDue()) {
            checkpoint();
            return;
        }
        checkpoint("RESTART");
        walRestarted = true;
    }

    /** {@link #CHECKPOINT_DELAY} has passed since the last checkpoint; call holding this object. */
    private boolean routineCheckpointDue() {
        return System.nanoTime() - lastCheckpoint >= CHECKPOINT_DELAY.toNanos();
    }

    /** {@link #TRUNCATE_AT_LEAST_EVERY} (or the tests' interval) has passed since the WAL was last truncated; call holding this object. */
    private boolean truncationDue() {
        return System.nanoTime() - lastTruncate >= truncateEveryNanos;
    }

    private void checkpoint(String mode) {
        requireOpen();
        lastCheckpoint = System.nanoTime();
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(" + mode + ")")) {
            if (r.next() && r.getInt(1) != 0) LOG.warn("vault.checkpoint.busy");
        } catch (SQLException e) {
            throw failure(dbFile, e); // still owed: the timer tries again
        }
        checkpointOwed = false;
    }

    /**
     * Erases everything about a person that exists up to her erase request: the journal entries up to
     * and including {@code lastJournalId} and every other row about her. Messages she sent after the request
     * stay, so they are still answered.
     */
    int erasePersonUpTo(Connection c, byte[] person, long lastJournalId) throws SQLException {
        outbox.forgetOpened();
        int removed = 0;
        for (String table : PERSON_TABLES) {
            String upTo = table.equals(Journal.TABLE) ? " AND id <= ?" : "";
            try (PreparedStatement s = c.prepareStatement("DELETE FROM " + table + " WHERE person = ?" + upTo)) {
                s.setBytes(1, person);
                if (!upTo.isEmpty()) s.setLong(2, lastJournalId);
                removed += s.executeUpdate();
            }
        }
        return removed;
    }

    int erasePerson(Connection c, byte[] person) throws SQLException {
        return erasePersonUpTo(c, person, Long.MAX_VALUE);
    }

    /**
     * Re-seals every row and recomputes every pseudonym and index under {@code next}, in one
     * transaction, then closes this vault (whose keys are now stale). Rows that no longer open are
     * dropped. Returns the number of rows re-sealed.
     */
    synchronized int rekey(KeyRing next) {
        int[] dropped = new int[1];
        RowKeys to = rows.withRing(next); // the day keys stay; only the master-derived keys change
        periods.stageRewrapped(next); // settled by the next open: kept if the re-seal committed, else discarded
        int resealed = write(c -> {
            int n = journal.rekey(c, keys, next, rows, to, dropped) + outbox.rekey(c, keys, next, rows, to, dropped)
                    + referrals.rekey(c, keys, next, rows, to, dropped);
            try (PreparedStatement s = c.prepareStatement("UPDATE key_check SET sealed = ? WHERE id = 1")) {
                s.setBytes(1, next.sealer(KeyPurpose.KEY_CHECK).seal(KEY_CHECK_CONSTANT, KEY_CHECK_TABLE));
                s.executeUpdate();
            }
            return n;
        });
        if (dropped[0] > 0) LOG.warn("vault.rekey.dropped", "rows", dropped[0]);
        close();
        return resealed;
    }

    KeyRing keys() {
        return keys;
    }

    RowKeys rows() {
        return rows;
    }

    PeriodKeys periodKeys() {
        return periods;
    }

    long now() {
        return clock.millis();
    }

    synchronized String pragma(String name) {
        requireOpen();
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery("PRAGMA " + name)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw failure(dbFile, e);
        }
    }

    synchronized int schemaVersion() {
        return Integer.parseInt(queryString("SELECT max(version) FROM schema_version"));
    }

    // ---- opening ----

    private static void prepareFile(Path dataDir, Path dbFile) {
        // the same refusals as when the key is loaded, for any caller that opens a vault directly
        KeyRotation.requireSafeDataDir(dataDir);
        try {
            SecureFiles.ensureDirectory(dataDir);
            if (!Files.exists(dbFile)) {
                // SQLite gives -wal and -journal files the mode of the database file, so 0600 covers all
                Files.createFile(dbFile, PosixFilePermissions.asFileAttribute(SecureFiles.OWNER_ONLY));
                return;
            }
            Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dbFile);
            if (!SecureFiles.OWNER_ONLY.containsAll(mode)) {
                Files.setPosixFilePermissions(dbFile, SecureFiles.OWNER_ONLY);
                LOG.warn("vault.permissions.tightened");
            }
            long size = Files.size(dbFile);
            if (size == 0) return;
            byte[] header = new byte[SQLITE_HEADER.length];
            int read;
            try (InputStream in = Files.newInputStream(dbFile)) {
                read = in.readNBytes(header, 0, header.length);
            }
            if (size < 512 || read != header.length || !Arrays.equals(header, SQLITE_HEADER)) {
                throw new VaultException(Problem.NOT_A_DATABASE,
                        "not an SQLite database (the file is damaged or something else): " + dbFile);
            }
        } catch (IOException | UnsupportedOperationException e) {
            throw new VaultException(Problem.STORAGE, "database file cannot be prepared: " + dbFile, e);
        }
    }

    private void configure() throws SQLException {
        exec("PRAGMA busy_timeout = 2000");
        exec("PRAGMA locking_mode = EXCLUSIVE");
        exec("PRAGMA secure_delete = ON");
        exec("PRAGMA temp_store = MEMORY");
        if (count("SELECT count(*) FROM sqlite_master") == 0) {
            // only on a new database: it must precede the first table, and setting it again rewrites the header
            exec("PRAGMA auto_vacuum = FULL");
        } else if (count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'") == 0) {
            throw new VaultException(Problem.NOT_A_DATABASE, "an SQLite database, but not Dari's: " + dbFile);
        }
        String mode = queryString("PRAGMA journal_mode = WAL");
        if (!"wal".equalsIgnoreCase(mode)) {
            throw new VaultException(Problem.STORAGE, "the database cannot use write-ahead logging: " + dbFile);
        }
        exec("PRAGMA synchronous = FULL");
        if (!"1".equals(queryString("PRAGMA secure_delete"))) {
            throw new VaultException(Problem.STORAGE, "SQLite refused secure_delete: " + dbFile);
        }
    }

    private void migrate() throws SQLException {
        int current = write(c -> {
            exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            int version = (int) count("SELECT coalesce(max(version), 0) FROM schema_version");
            if (version > MIGRATIONS.size()) {
                throw new VaultException(Problem.NEWER_SCHEMA,
                        "the database was written by a newer version of Dari (schema " + version + "): " + dbFile);
            }
            for (int step = version + 1; step <= MIGRATIONS.size(); step++) exec(MIGRATIONS.get(step - 1));
            if (version < MIGRATIONS.size()) {
                exec("DELETE FROM schema_version");
                exec("INSERT INTO schema_version (version) VALUES (" + MIGRATIONS.size() + ")");
            }
            return version;
        });
        if (current < MIGRATIONS.size()) LOG.info("vault.migrated", "from", current, "to", MIGRATIONS.size());
        if (!"1".equals(queryString("PRAGMA auto_vacuum"))) {
            // a database created without auto_vacuum: switching needs a full rebuild
            exec("PRAGMA auto_vacuum = FULL");
            exec("VACUUM");
        }
    }

    /**
     * Opens the day keys (after the key check: a wrong master key never reaches them). A missing key
     * file is created only if no row needs a day key; otherwise the vault refuses to open, as for a
     * missing master key file.
     */
    private void openPeriodKeys(Path dataDir) throws SQLException {
        boolean create;
        synchronized (this) {
            create = referencedPeriods().isEmpty();
        }
        periods = PeriodKeys.open(dataDir, keys, create);
        rows = new RowKeys(keys, periods, clock);
    }

    /** Refuses a key that does not open the key-check row, if the database has one yet. */
    private void checkKey() throws SQLException {
        if (count("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'key_check'") == 0) return;
        byte[] sealed;
        try (Statement s = connection.createStatement();
             ResultSet r = s.executeQuery("SELECT sealed FROM key_check WHERE id = 1")) {
            sealed = r.next() ? r.getBytes(1) : null;
        }
        if (sealed == null) return;
        byte[] opened;
        try {
            opened = keys.sealer(KeyPurpose.KEY_CHECK).open(sealed, KEY_CHECK_TABLE);
        } catch (VaultException e) {
            opened = null;
        }
        if (!Arrays.equals(opened, KEY_CHECK_CONSTANT)) {
            throw new VaultException(Problem.WRONG_KEY, VaultException.WRONG_KEY_MESSAGE);
        }
    }

    /** Seals the known constant with this key when the database is new. */
    private void createKeyCheck() {
        write(c -> {
            if (count("SELECT count(*) FROM key_check") > 0) return null;
            long rows = 0;
            for (String table : PERSON_TABLES) rows += count("SELECT count(*) FROM " + table);
            if (rows > 0) throw new VaultException(Problem.NOT_A_DATABASE, "the key check is missing: " + dbFile);
            try (PreparedStatement s = c.prepareStatement("INSERT INTO key_check (id, sealed) VALUES (1, ?)")) {
                s.setBytes(1, keys.sealer(KeyPurpose.KEY_CHECK).seal(KEY_CHECK_CONSTANT, KEY_CHECK_TABLE));
                s.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Starts each table's AUTOINCREMENT counter at a random value below 2^40, so that a seized file
     * does not tell how many messages were ever stored (AUTOINCREMENT stays: ids must never be reused).
     */
    private void seedSequences() {
        SecureRandom random = new SecureRandom();
        write(c -> {
            for (String table : PERSON_TABLES) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO sqlite_sequence (name, seq)"
                        + " SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?)")) {
                    s.setString(1, table);
                    s.setLong(2, random.nextLong(1L << 40));
                    s.setString(3, table);
                    s.executeUpdate();
                }
            }
            return null;
        });
    }

    // ---- helpers ----

    private void exec(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    private String queryString(String sql) {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getString(1) : null;
        } catch (SQLException e) {
            throw failure(dbFile, e);
        }
    }

    private long count(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet r = s.executeQuery(sql)) {
            return r.next() ? r.getLong(1) : 0;
        }
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("vault is closed");
    }

    private synchronized void closeQuietly() {
        closed = true;
        if (periods != null) periods.close();
        try {
            connection.close();
        } catch (SQLException e) {
            LOG.warn("vault.close.failed", "error", SafeLog.kind(e));
        }
    }

    private static VaultException failure(Path dbFile, SQLException e) {
        return switch (e.getErrorCode() & 0xff) {
            case 11, 26 -> new VaultException(Problem.NOT_A_DATABASE,
                    "not an SQLite database (the file is damaged or something else): " + dbFile, e);
            case 5, 6 -> new VaultException(Problem.IN_USE, "the database is in use by another process: " + dbFile, e);
            case 13 -> new VaultException(Problem.DISK_FULL, "the disk is full: " + dbFile, e);
            default -> new VaultException(Problem.STORAGE, "storage failure in " + dbFile, e);
        };
    }
}
