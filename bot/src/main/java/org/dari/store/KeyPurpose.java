package org.dari.store;

import java.util.Locale;

/** What a subkey is for; each purpose gets its own key, so one use can never open another's data. */
public enum KeyPurpose {
    PSEUDONYM, STATE, JOURNAL, OUTBOX, REFERRAL, KEY_CHECK,
    /** the bot's own OpenPGP signing key at rest; new purposes go last so existing labels never move */
    BOT_SIGNING_KEY,
    /** wraps the random per-day data keys in the period key file ({@link PeriodKeys}); never seals a row */
    PERIOD_WRAP;

    /** The HKDF info label, e.g. {@code dari/v1/pseudonym}. */
    public String label() {
        return "dari/v1/" + name().toLowerCase(Locale.ROOT);
    }
}
