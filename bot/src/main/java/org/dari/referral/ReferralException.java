package org.dari.referral;

/** Sealing, opening or reading a key failed; the message is fixed text, never data or key material. */
public final class ReferralException extends RuntimeException {
    public ReferralException(String message) {
        super(message, null, false, false);
    }

    /** Keeps only the cause's class: library messages may quote data. */
    public ReferralException(String message, Throwable cause) {
        super(message + " (" + cause.getClass().getSimpleName() + ")", null, false, false);
    }
}
