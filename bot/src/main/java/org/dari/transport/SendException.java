package org.dari.transport;

/**
 * A send that did not go through. The message text never carries user data:
 * only the kind of failure and a fixed, content-free detail.
 */
public final class SendException extends Exception {
    public enum Kind {
        /**
         * Certainly not sent (connection refused before the request was written, rate limit, captcha,
         * a 5xx from the server): keep the message and retry later.
         */
        RETRY_LATER,
        /**
         * May have been sent: the request was written but no clear answer came back (read timeout,
         * connection reset, a network failure inside signal-cli). Never retried for a person.
         */
        UNCERTAIN,
        /** The recipient's safety number changed; needs a trust decision before retrying. */
        UNTRUSTED_IDENTITY,
        /** The recipient is no longer on Signal. */
        UNREGISTERED,
        /** The server refused the request for another reason; retrying will not help. */
        REJECTED
    }

    private final Kind kind;

    public SendException(Kind kind, String safeDetail) {
        super(kind + ": " + safeDetail, null, false, false);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    public boolean retryable() {
        return kind == Kind.RETRY_LATER || kind == Kind.UNTRUSTED_IDENTITY;
    }
}
