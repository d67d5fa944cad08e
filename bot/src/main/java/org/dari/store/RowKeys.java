package org.dari.store;

import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;

/**
 * Seals a vault's rows under the data key of the current UTC day ({@link PeriodKeys}, created on
 * first use) and opens each row under the key its header names. Rows written before period keys
 * existed (versions 1 and 2) still open under the master-derived keys of {@link KeyRing} until they
 * expire. A row whose day key was destroyed reads as unreadable ({@link VaultException}), which
 * every reader treats as gone.
 */
final class RowKeys {
    private final KeyRing ring;
    private final PeriodKeys periods;
    private final Clock clock;

    RowKeys(KeyRing ring, PeriodKeys periods, Clock clock) {
        this.ring = ring;
        this.periods = periods;
        this.clock = clock;
    }

    /** The UTC epoch day now: the period whose key seals new rows. */
    int today() {
        return (int) LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).toEpochDay();
    }

    /** Seals under today's key; a row re-written today moves to today's key, so its old day can end. */
    byte[] seal(KeyPurpose purpose, byte[] plaintext, String table, byte[]... rowKey) {
        return periods.sealerCreating(today(), purpose).seal(plaintext, table, rowKey);
    }

    /**
     * Seals under the same key family as {@code previous}: its day's key, or the master-derived key
     * for an old row. Key rotation uses this, so that it never needs a new day key.
     */
    byte[] sealLike(byte[] previous, KeyPurpose purpose, byte[] plaintext, String table, byte[]... rowKey) {
        return sealerFor(previous, purpose).seal(plaintext, table, rowKey);
    }

    byte[] open(KeyPurpose purpose, byte[] sealed, String table, byte[]... rowKey) {
        return sealerFor(sealed, purpose).open(sealed, table, rowKey);
    }

    /** The same day keys with another master key's derived keys (for re-keying to {@code other}). */
    RowKeys withRing(KeyRing other) {
        return new RowKeys(other, periods, clock);
    }

    private Sealer sealerFor(byte[] sealed, KeyPurpose purpose) {
        int day = Sealer.periodOf(sealed);
        if (day == Sealer.NO_PERIOD) return ring.sealer(purpose);
        Sealer sealer = periods.sealer(day, purpose);
        if (sealer == null) throw VaultException.unreadable(null); // the day's key was destroyed: the row is gone
        return sealer;
    }
}
