package org.dari.store;

import java.util.Locale;

/** What a subkey is for; each purpose gets its own key, so one use can never open another's data. */
public enum KeyPurpose {
    PSEUDONYM, STATE, JOURNAL, OUTBOX, REFERRAL, KEY_CHECK;

    /** The HKDF info label, e.g. {@code dari/v1/pseudonym}. */
    public String label() {
        return "dari/v1/" + name().toLowerCase(Locale.ROOT);
    }
}
