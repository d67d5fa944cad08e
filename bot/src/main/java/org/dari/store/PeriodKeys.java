package org.dari.store;

import org.dari.store.VaultException.Problem;

import javax.crypto.Cipher;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.SortedSet;

/**
 * The random per-day data keys that seal rows, each wrapped (AES-256-GCM) by the master key's
 * {@link KeyPurpose#PERIOD_WRAP} subkey, in a small file of fixed-size slots next to the database
 * ({@value #FILE}, mode 0600). A day's key is destroyed by overwriting its slot <em>in place</em>
 * with zeros and fsyncing: once that is done, rows of that day carved from the disk (freed pages,
 * an old WAL) do not open even with the master key. The keys are not kept in SQLite because a
 * deleted row or a truncated WAL may leave the wrapped key behind.
 *
 * <p>Format: a 64-byte header (the magic {@code "DARIPK\0\1"}, then HMAC-SHA256 under the wrap
 * subkey's index key of a constant, which tells a file wrapped under this master key from one of
 * another; then zeros), followed by 64-byte slots, 64 at first. A slot is the UTC epoch day (4
 * bytes, big-endian; 0 = empty), a 12-byte nonce and the 32-byte key sealed with a 16-byte tag, the
 * day bound as associated data; the rest of the slot is zero. Slots are 64-byte aligned, so a slot
 * never straddles a disk sector and is written by one sector write. When every slot is taken the
 * file grows by 64 empty slots appended at its end; nothing already written ever moves.
 *
 * <p>Crash safety: a new key is written into an empty slot and fsynced before any row is sealed
 * with it, so a crash (kill -9 at any point) leaves either no slot (and no row) or a whole slot. A
 * slot that is neither empty nor opens (a write torn by a power cut; the header proves the master
 * key is right) never held a key that sealed a committed row, and is wiped when the file is
 * opened. A destroy is one in-place write of zeros: torn or whole, what is left does not open.
 * The file itself is created complete (header and empty slots) and published atomically, never
 * replacing a file. A crash therefore never loses a key that a stored row needs.
 *
 * <p>Key rotation writes {@code <file>.new} (the same keys wrapped under the new master key) while
 * it holds the vault, just before the transaction that re-seals the rows under the new key. On the
 * next open, the file wrapped under the key the database accepted wins: if that is {@code .new},
 * the rotation committed, so the old file is overwritten with zeros and deleted and {@code .new}
 * takes its place; otherwise {@code .new} (a rotation that never committed) is overwritten and
 * deleted. Both hold the same keys, since no key is made or destroyed while the vault is held.
 */
final class PeriodKeys implements AutoCloseable {
    static final String FILE = "dari.periods";
    static final int HEADER = 64;
    static final int SLOT = 64;
    static final int INITIAL_SLOTS = 64;
    private static final byte[] MAGIC = {'D', 'A', 'R', 'I', 'P', 'K', 0, 1};
    private static final byte[] CHECK = "dari period key file v1".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRAP_AAD = "dari/v1/period-key".getBytes(StandardCharsets.US_ASCII);
    private static final int KEY_LENGTH = 32;
    private static final int WRAPPED = 4 + Sealer.NONCE_LENGTH + KEY_LENGTH + Sealer.TAG_LENGTH;

    /** One live day: its slot and the per-purpose row keys derived from its random key. */
    private record Period(int slot, byte[] key, Map<KeyPurpose, Sealer> sealers) {
    }

    private final Path file;
    private final byte[] wrapKey;
    private final SecureRandom random = new SecureRandom();
    private final TreeMap<Integer, Period> periods = new TreeMap<>();
    private final TreeSet<Integer> freeSlots = new TreeSet<>();
    private int slotCount;
    private boolean closed;
    /** Tests only: slot writes stop after this many bytes and fail, as on a disk failing mid-write (-1: off). */
    private volatile int failWritesAfter = -1;

    private PeriodKeys(Path file, byte[] wrapKey) {
        this.file = file;
        this.wrapKey = wrapKey.clone();
    }

    static Path path(Path dataDir) {
        return dataDir.resolve(FILE);
    }

    static Path staged(Path dataDir) {
        return SecureFiles.sibling(path(dataDir), ".new");
    }

    /**
     * Opens the key file of {@code dataDir} under {@code ring} (whose master key the database has
     * already accepted), first settling an interrupted rotation. With {@code create}, a missing file
     * is created empty; without, a missing file is an error (the database has rows that need it).
     */
    static PeriodKeys open(Path dataDir, KeyRing ring, boolean create) {
        Path main = path(dataDir);
        Path staged = staged(dataDir);
        try {
            requireSafe(main);
            requireSafe(staged);
            SecureFiles.destroy(SecureFiles.sibling(staged, ".tmp")); // a staging cut short by a crash
            boolean mainExists = Files.exists(main, LinkOption.NOFOLLOW_LINKS);
            boolean stagedExists = Files.exists(staged, LinkOption.NOFOLLOW_LINKS);
            boolean mainOpens = mainExists && headerMatches(main, ring);
            if (!mainOpens && stagedExists && headerMatches(staged, ring)) {
                // a rotation committed the database under this key: its re-wrapped file is the one
                SecureFiles.destroy(main);
                SecureFiles.moveAtomically(staged, main);
                mainExists = mainOpens = true;
            } else if (mainOpens && stagedExists) {
                SecureFiles.destroy(staged); // a rotation that never committed (the database accepted this key)
            }
            if (mainExists && !mainOpens) {
                throw new VaultException(Problem.KEY_FILE,
                        "the period key file does not belong to this master key: " + main);
            }
            if (!mainExists) {
                if (!create) {
                    throw new VaultException(Problem.KEY_FILE,
                            "the period key file of an existing database is missing: " + main);
                }
                try {
                    SecureFiles.publishNew(main, emptyFile(ring, INITIAL_SLOTS));
                } catch (java.nio.file.FileAlreadyExistsException raced) {
                    if (!headerMatches(main, ring)) throw raced;
                }
            }
            PeriodKeys keys = new PeriodKeys(main, ring.subkey(KeyPurpose.PERIOD_WRAP));
            keys.load();
            return keys;
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "the period key file cannot be used: " + main, e);
        }
    }

    /**
     * Rotation, just before the database is re-keyed (the caller holds the vault, so no key is
     * created or destroyed meanwhile): writes {@code .new} with every live key wrapped under {@code
     * to}, in the same slots. The next {@link #open} settles it.
     */
    synchronized void stageRewrapped(KeyRing to) {
        requireOpen();
        Path staged = SecureFiles.sibling(file, ".new");
        byte[] content = emptyFile(to, slotCount);
        ByteBuffer out = ByteBuffer.wrap(content);
        byte[] toWrap = to.subkey(KeyPurpose.PERIOD_WRAP);
        for (Map.Entry<Integer, Period> e : periods.entrySet()) {
            out.put(HEADER + e.getValue().slot() * SLOT, wrap(toWrap, random, e.getKey(), e.getValue().key()), 0, WRAPPED);
        }
        try {
            SecureFiles.writeAtomically(staged, content);
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "the period key file cannot be staged: " + staged, e);
        } finally {
            Arrays.fill(content, (byte) 0);
        }
    }

    /**
     * Outside a rotation: of the file and a {@code .new} left beside it, keeps the one wrapped under
     * {@code ring}'s master key (the key the bot will use) and overwrites and deletes the other. If
     * neither is, nothing is touched ({@link #open} then refuses).
     */
    static void settleStaged(Path dataDir, KeyRing ring) {
        Path main = path(dataDir);
        Path staged = staged(dataDir);
        try {
            if (!Files.exists(staged, LinkOption.NOFOLLOW_LINKS)) return;
            requireSafe(main);
            requireSafe(staged);
            if (Files.exists(main, LinkOption.NOFOLLOW_LINKS) && headerMatches(main, ring)) {
                SecureFiles.destroy(staged);
            } else if (headerMatches(staged, ring)) {
                SecureFiles.destroy(main);
                SecureFiles.moveAtomically(staged, main);
            }
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "the period key file cannot be settled: " + main, e);
        }
    }

    /** Rotation undone (the old master key stays): the re-wrapped copy is overwritten and deleted. */
    static void discardStaged(Path dataDir) {
        try {
            SecureFiles.destroy(staged(dataDir));
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "the staged period key file cannot be destroyed", e);
        }
    }

    /** The sealer for {@code purpose} under day {@code day}'s key, or null if that key is gone. */
    synchronized Sealer sealer(int day, KeyPurpose purpose) {
        requireOpen();
        Period p = periods.get(day);
        return p == null ? null : p.sealers().get(purpose);
    }

    /** Like {@link #sealer}, creating the day's key first (durably, before it seals anything). */
    synchronized Sealer sealerCreating(int day, KeyPurpose purpose) {
        Sealer existing = sealer(day, purpose);
        if (existing != null) return existing;
        byte[] key = new byte[KEY_LENGTH];
        random.nextBytes(key);
        int slot = freeSlots.isEmpty() ? grow() : freeSlots.first();
        byte[] wrapped = wrap(wrapKey, random, day, key);
        try {
            writeSlot(slot, Arrays.copyOf(wrapped, SLOT)); // durable before the key seals anything
        } catch (IOException e) {
            Arrays.fill(key, (byte) 0);
            throw new VaultException(Problem.KEY_FILE, "a period key cannot be written: " + file, e);
        }
        freeSlots.remove(slot);
        periods.put(day, period(slot, day, key));
        return sealer(day, purpose);
    }

    /** Days whose keys are live, oldest first. */
    synchronized SortedSet<Integer> days() {
        requireOpen();
        return new TreeSet<>(periods.keySet());
    }

    /**
     * Destroys day {@code day}'s key: its slot is overwritten in place with zeros and fsynced, then
     * the key is wiped from memory. The caller has made sure no stored row needs it. Returns false
     * (and changes nothing) if the key is not live.
     */
    synchronized boolean destroy(int day) {
        requireOpen();
        Period p = periods.get(day);
        if (p == null) return false;
        try {
            writeSlot(p.slot(), new byte[SLOT]);
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "a period key cannot be destroyed: " + file, e);
        }
        periods.remove(day);
        wipe(p);
        freeSlots.add(p.slot());
        return true;
    }

    @Override
    public synchronized void close() {
        closed = true;
        periods.values().forEach(PeriodKeys::wipe);
        periods.clear();
        Arrays.fill(wrapKey, (byte) 0);
    }

    @Override
    public String toString() {
        return "PeriodKeys[redacted]";
    }

    // ---- file ----

    private void load() throws IOException {
        byte[] content = Files.readAllBytes(file);
        slotCount = (content.length - HEADER) / SLOT; // a slot block torn while growing is ignored and rewritten
        ByteBuffer in = ByteBuffer.wrap(content);
        for (int slot = 0; slot < slotCount; slot++) {
            byte[] bytes = new byte[SLOT];
            in.get(HEADER + slot * SLOT, bytes);
            if (isZero(bytes)) {
                freeSlots.add(slot);
                continue;
            }
            int day = ByteBuffer.wrap(bytes).getInt();
            byte[] key = unwrap(wrapKey, bytes);
            Arrays.fill(bytes, (byte) 0);
            if (key == null || periods.containsKey(day)) {
                if (key != null) Arrays.fill(key, (byte) 0);
                // torn by a crash while written (so no row was sealed with it) or destroyed: never a live key
                writeSlot(slot, new byte[SLOT]);
                freeSlots.add(slot);
                continue;
            }
            periods.put(day, period(slot, day, key));
        }
        Arrays.fill(content, (byte) 0);
    }

    /** Appends 64 empty slots (the file only ever grows at its end); returns the first of them. */
    private int grow() {
        int first = slotCount;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer zeros = ByteBuffer.allocate(INITIAL_SLOTS * SLOT);
            long at = HEADER + (long) first * SLOT;
            while (zeros.hasRemaining()) at += channel.write(zeros, at);
            channel.force(true);
        } catch (IOException e) {
            throw new VaultException(Problem.KEY_FILE, "the period key file cannot grow: " + file, e);
        }
        slotCount += INITIAL_SLOTS;
        for (int s = first; s < slotCount; s++) freeSlots.add(s);
        return first;
    }

    void failWritesAfter(int bytes) {
        failWritesAfter = bytes;
    }

    /** Writes one slot in place (no new file, no rename: the old bytes themselves are replaced) and fsyncs. */
    private void writeSlot(int slot, byte[] bytes) throws IOException {
        int failAfter = failWritesAfter;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, failAfter >= 0 ? Math.min(failAfter, bytes.length) : bytes.length);
            long at = HEADER + (long) slot * SLOT;
            while (buffer.hasRemaining()) at += channel.write(buffer, at);
            channel.force(true);
        }
        if (failAfter >= 0) throw new IOException("injected write failure");
    }

    private static byte[] emptyFile(KeyRing ring, int slots) {
        byte[] content = new byte[HEADER + slots * SLOT];
        System.arraycopy(MAGIC, 0, content, 0, MAGIC.length);
        byte[] check = ring.index(KeyPurpose.PERIOD_WRAP).of(CHECK);
        System.arraycopy(check, 0, content, MAGIC.length, check.length);
        return content;
    }

    private static boolean headerMatches(Path file, KeyRing ring) throws IOException {
        byte[] header = new byte[HEADER];
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer buffer = ByteBuffer.wrap(header);
            while (buffer.hasRemaining() && channel.read(buffer) > 0) { }
        }
        byte[] expected = emptyFile(ring, 0);
        return MessageDigest.isEqual(expected, header);
    }

    private static void requireSafe(Path file) throws IOException {
        SecureFiles.requireSafe(file, SecureFiles.Kind.KEY_FILE);
    }

    // ---- keys ----

    private Period period(int slot, int day, byte[] key) {
        Map<KeyPurpose, Sealer> sealers = new EnumMap<>(KeyPurpose.class);
        byte[] salt = ByteBuffer.allocate(4).putInt(day).array();
        for (KeyPurpose purpose : new KeyPurpose[] {KeyPurpose.JOURNAL, KeyPurpose.OUTBOX, KeyPurpose.REFERRAL}) {
            byte[] subkey = KeyRing.hkdf(key, salt, (purpose.label() + "/period").getBytes(StandardCharsets.UTF_8), 32);
            sealers.put(purpose, new Sealer(purpose, subkey, random, day));
        }
        return new Period(slot, key, sealers);
    }

    private static void wipe(Period p) {
        Arrays.fill(p.key(), (byte) 0);
        p.sealers().values().forEach(Sealer::wipe);
    }

    /** day (4) || nonce (12) || AES-GCM(wrap key, key) with the day as associated data: {@value #WRAPPED} bytes. */
    static byte[] wrap(byte[] wrapKey, SecureRandom random, int day, byte[] key) {
        byte[] nonce = new byte[Sealer.NONCE_LENGTH];
        random.nextBytes(nonce);
        try {
            byte[] body = Sealer.aesGcm(Cipher.ENCRYPT_MODE, wrapKey, nonce, aad(day), key);
            return ByteBuffer.allocate(WRAPPED).putInt(day).put(nonce).put(body).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** The key in a slot, or null if the slot does not open. */
    private static byte[] unwrap(byte[] wrapKey, byte[] slot) {
        ByteBuffer in = ByteBuffer.wrap(slot);
        int day = in.getInt();
        byte[] nonce = new byte[Sealer.NONCE_LENGTH];
        in.get(nonce);
        byte[] body = new byte[KEY_LENGTH + Sealer.TAG_LENGTH];
        in.get(body);
        for (int i = WRAPPED; i < SLOT; i++) if (slot[i] != 0) return null;
        if (day <= 0) return null;
        try {
            return Sealer.aesGcm(Cipher.DECRYPT_MODE, wrapKey, nonce, aad(day), body);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static byte[] aad(int day) {
        return KeyedHash.lengthPrefixed(WRAP_AAD, ByteBuffer.allocate(4).putInt(day).array());
    }

    private static boolean isZero(byte[] bytes) {
        for (byte b : bytes) if (b != 0) return false;
        return true;
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("period keys are closed");
    }
}
