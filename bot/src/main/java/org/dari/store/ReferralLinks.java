package org.dari.store;

import org.dari.log.SafeLog;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The links from open referrals back to the people who asked, kept so that no one holding this
 * database and every key of the bot can list who asked for help. A referral code has a public part
 * (its id) and a secret part that exists only in the sealed referral, the caseworkers' chat and the
 * person's chat. A row holds:
 * <ul>
 * <li>{@code code_index}: HMAC(referral index key, code id), to find the row;
 * <li>{@code meta}: organisation, code id, urgency, day opened, acknowledged: sealed under the
 *     bot's referral key, so the bot can list an organisation's open cases and warn before expiry;
 * <li>{@code link}: the person's Signal id and language, sealed under a key derived from the
 *     code's secret part alone (HKDF-SHA256, salt = code id), which the bot does not keep.
 * </ul>
 * A row expires a configured time after its last activity. Obtained from {@link Vault#referrals()}.
 */
public final class ReferralLinks {
    static final String TABLE = "referral_link";
    private static final SafeLog LOG = SafeLog.of(ReferralLinks.class);
    private static final byte[] LINK_INFO = "dari/v1/referral-link".getBytes(StandardCharsets.US_ASCII);

    /** What the bot can know about a case without its secret part. */
    public record Meta(String codeId, String orgId, boolean urgent, LocalDate opened, boolean acknowledged,
                       Instant expiresAt) {
    }

    /** Who asked, readable only with the code's secret part. */
    public record Link(String person, String lang) {
        @Override
        public String toString() {
            return "Link[redacted]";
        }
    }

    /** A change made in the same transaction as the message that caused it. */
    public sealed interface Op permits Open, Touch, Acknowledge, Close {
        String codeId();
    }

    public record Open(String codeId, String secret, String orgId, boolean urgent, String person, String lang)
            implements Op {
        @Override
        public String toString() {
            return "Open[redacted]";
        }
    }

    /** Activity on the case: its expiry starts again. */
    public record Touch(String codeId) implements Op {
    }

    public record Acknowledge(String codeId) implements Op {
    }

    public record Close(String codeId) implements Op {
    }

    private final Vault vault;
    private final SecureRandom random = new SecureRandom();

    ReferralLinks(Vault vault) {
        this.vault = vault;
    }

    public Optional<Meta> meta(String codeId) {
        KeyRing keys = vault.keys();
        byte[] index = index(keys, codeId);
        return vault.write(c -> metaIn(c, index));
    }

    /** The person behind a code, if the code (with its secret part) is right and the case is open. */
    public Optional<Link> link(String codeId, String secret) {
        KeyRing keys = vault.keys();
        byte[] index = index(keys, codeId);
        byte[] sealed = vault.write(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT link FROM referral_link WHERE code_index = ? AND expires_at > ?")) {
                s.setBytes(1, index);
                s.setLong(2, vault.now());
                try (ResultSet r = s.executeQuery()) {
                    return r.next() ? r.getBytes(1) : null;
                }
            }
        });
        if (sealed == null) return Optional.empty();
        try {
            byte[] plain = linkSealer(codeId, secret).open(sealed, TABLE, codeId.getBytes(StandardCharsets.UTF_8));
            try {
                Payload.Reader in = new Payload.Reader(plain);
                Link link = new Link(in.string(), in.string());
                in.end();
                return Optional.of(link);
            } finally {
                Arrays.fill(plain, (byte) 0);
            }
        } catch (VaultException e) {
            return Optional.empty(); // a wrong secret part looks exactly like an unknown code
        }
    }

    /** An organisation's open cases, oldest first. */
    public List<Meta> openCases(String orgId) {
        return all().stream().filter(m -> m.orgId().equals(orgId))
                .sorted(java.util.Comparator.comparing(Meta::opened)).toList();
    }

    /** Cases that expire within {@code before} and were not yet announced; marks them announced. */
    public List<Meta> takeExpiryWarnings(Duration before) {
        long limit = vault.now() + before.toMillis();
        List<Meta> due = new ArrayList<>();
        vault.write(c -> {
            due.clear();
            List<byte[]> indexes = new ArrayList<>();
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT code_index, meta, expires_at FROM referral_link WHERE warned = 0 AND expires_at <= ?")) {
                s.setLong(1, limit);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        try {
                            due.add(openMeta(vault.rows(), r.getBytes(1), r.getBytes(2), r.getLong(3)));
                            indexes.add(r.getBytes(1));
                        } catch (VaultException e) {
                            LOG.warn("referral.meta_unreadable");
                        }
                    }
                }
            }
            for (byte[] index : indexes) {
                try (PreparedStatement s = c.prepareStatement("UPDATE referral_link SET warned = 1 WHERE code_index = ?")) {
                    s.setBytes(1, index);
                    s.executeUpdate();
                }
            }
            return null;
        });
        return due;
    }

    /** How many cases are open (for counters; nothing else). */
    public int count() {
        return vault.write(c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT count(*) FROM referral_link"); ResultSet r = s.executeQuery()) {
                return r.next() ? r.getInt(1) : 0;
            }
        });
    }

    public void apply(List<Op> ops) {
        if (ops.isEmpty()) return;
        vault.write(c -> {
            for (Op op : ops) apply(c, op);
            return null;
        });
        vault.checkpoint();
    }

    void apply(Connection c, Op op) throws SQLException {
        KeyRing keys = vault.keys();
        byte[] index = index(keys, op.codeId());
        long expires = Vault.minuteCeil(vault.now() + vault.retention().referralIdle().toMillis());
        if (op instanceof Open o) {
            insert(c, keys, index, o, expires);
        } else if (op instanceof Close) {
            try (PreparedStatement s = c.prepareStatement("DELETE FROM referral_link WHERE code_index = ?")) {
                s.setBytes(1, index);
                s.executeUpdate();
            }
        } else if (op instanceof Acknowledge) {
            Optional<Meta> current = metaIn(c, index);
            if (current.isEmpty()) return;
            Meta m = current.get();
            Meta acked = new Meta(m.codeId(), m.orgId(), m.urgent(), m.opened(), true, Instant.ofEpochMilli(expires));
            try (PreparedStatement s = c.prepareStatement(
                    "UPDATE referral_link SET meta = ?, expires_at = ?, warned = 0 WHERE code_index = ?")) {
                s.setBytes(1, sealMeta(vault.rows(), null, index, acked));
                s.setLong(2, expires);
                s.setBytes(3, index);
                s.executeUpdate();
            }
        } else {
            // activity: the expiry starts again, and the meta is re-sealed under today's day key, so that
            // the day it was last sealed in can end (a case kept open for months never holds an old key)
            Optional<Meta> current;
            try {
                current = metaIn(c, index);
            } catch (VaultException unreadable) {
                current = Optional.empty();
            }
            try (PreparedStatement s = c.prepareStatement(current.isPresent()
                    ? "UPDATE referral_link SET expires_at = ?, warned = 0, meta = ? WHERE code_index = ?"
                    : "UPDATE referral_link SET expires_at = ?, warned = 0 WHERE code_index = ?")) {
                s.setLong(1, expires);
                if (current.isPresent()) {
                    Meta m = current.get();
                    s.setBytes(2, sealMeta(vault.rows(), null, index, new Meta(m.codeId(), m.orgId(), m.urgent(),
                            m.opened(), m.acknowledged(), Instant.ofEpochMilli(expires))));
                }
                s.setBytes(current.isPresent() ? 3 : 2, index);
                s.executeUpdate();
            }
        }
    }

    private void insert(Connection c, KeyRing keys, byte[] index, Open o, long expires) throws SQLException {
        Meta meta = new Meta(o.codeId(), o.orgId(), o.urgent(),
                LocalDate.ofInstant(Instant.ofEpochMilli(vault.now()), ZoneOffset.UTC), false, Instant.ofEpochMilli(expires));
        byte[] plain = new Payload.Writer().string(o.person()).string(o.lang()).toBytes();
        byte[] link;
        try {
            link = linkSealer(o.codeId(), o.secret()).seal(plain, TABLE, o.codeId().getBytes(StandardCharsets.UTF_8));
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO referral_link (code_index, meta, link, expires_at, warned) VALUES (?, ?, ?, ?, 0)")) {
            s.setBytes(1, index);
            s.setBytes(2, sealMeta(vault.rows(), null, index, meta));
            s.setBytes(3, link);
            s.setLong(4, expires);
            s.executeUpdate();
        }
    }

    /**
     * Re-seals every row's meta (in the same day key as before) and recomputes its index under
     * {@code to}; the link needs no key of ours.
     */
    int rekey(Connection c, KeyRing from, KeyRing to, RowKeys fromRows, RowKeys toRows, int[] dropped) throws SQLException {
        record Row(long id, byte[] index, byte[] meta, long expires) { }
        List<Row> rows = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("SELECT id, code_index, meta, expires_at FROM referral_link");
             ResultSet r = s.executeQuery()) {
            while (r.next()) rows.add(new Row(r.getLong(1), r.getBytes(2), r.getBytes(3), r.getLong(4)));
        }
        int resealed = 0;
        for (Row row : rows) {
            Meta meta;
            try {
                meta = openMeta(fromRows, row.index(), row.meta(), row.expires());
            } catch (VaultException e) {
                try (PreparedStatement s = c.prepareStatement("DELETE FROM referral_link WHERE id = ?")) {
                    s.setLong(1, row.id());
                    s.executeUpdate();
                }
                dropped[0]++;
                continue;
            }
            // the link is bound to the code id, not to the index, so it stays valid: it needs no key of ours
            byte[] index = index(to, meta.codeId());
            try (PreparedStatement s = c.prepareStatement("UPDATE referral_link SET code_index = ?, meta = ? WHERE id = ?")) {
                s.setBytes(1, index);
                s.setBytes(2, sealMeta(toRows, row.meta(), index, meta));
                s.setLong(3, row.id());
                s.executeUpdate();
            }
            resealed++;
        }
        return resealed;
    }

    private List<Meta> all() {
        List<Meta> out = new ArrayList<>();
        vault.write(c -> {
            out.clear();
            try (PreparedStatement s = c.prepareStatement("SELECT code_index, meta, expires_at FROM referral_link WHERE expires_at > ?")) {
                s.setLong(1, vault.now());
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        try {
                            out.add(openMeta(vault.rows(), r.getBytes(1), r.getBytes(2), r.getLong(3)));
                        } catch (VaultException e) {
                            LOG.warn("referral.meta_unreadable");
                        }
                    }
                }
            }
            return null;
        });
        return out;
    }

    private Optional<Meta> metaIn(Connection c, byte[] index) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT meta, expires_at FROM referral_link WHERE code_index = ?")) {
            s.setBytes(1, index);
            try (ResultSet r = s.executeQuery()) {
                return r.next() ? Optional.of(openMeta(vault.rows(), index, r.getBytes(1), r.getLong(2))) : Optional.empty();
            }
        }
    }

    private static byte[] index(KeyRing keys, String codeId) {
        return keys.index(KeyPurpose.REFERRAL).of(codeId.getBytes(StandardCharsets.UTF_8));
    }

    private Sealer linkSealer(String codeId, String secret) {
        byte[] key = KeyRing.hkdf(secret.getBytes(StandardCharsets.UTF_8), codeId.getBytes(StandardCharsets.UTF_8), LINK_INFO, 32);
        return new Sealer(KeyPurpose.REFERRAL, key, random);
    }

    /** Under today's day key, or with {@code like}, under the key that sealed {@code like}. */
    private static byte[] sealMeta(RowKeys rows, byte[] like, byte[] index, Meta m) {
        byte[] plain = new Payload.Writer().string(m.codeId()).string(m.orgId()).flag(m.urgent())
                .number(m.opened().toEpochDay()).flag(m.acknowledged()).toBytes();
        try {
            return like == null ? rows.seal(KeyPurpose.REFERRAL, plain, TABLE + "/meta", index)
                    : rows.sealLike(like, KeyPurpose.REFERRAL, plain, TABLE + "/meta", index);
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }

    private static Meta openMeta(RowKeys rows, byte[] index, byte[] sealed, long expiresAt) {
        byte[] plain = rows.open(KeyPurpose.REFERRAL, sealed, TABLE + "/meta", index);
        try {
            Payload.Reader in = new Payload.Reader(plain);
            Meta m = new Meta(in.string(), in.string(), in.flag(), LocalDate.ofEpochDay(in.number()), in.flag(),
                    Instant.ofEpochMilli(expiresAt));
            in.end();
            return m;
        } finally {
            Arrays.fill(plain, (byte) 0);
        }
    }
}
