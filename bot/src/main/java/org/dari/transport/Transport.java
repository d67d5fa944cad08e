package org.dari.transport;

/**
 * A way to reach people: a stream of inbound messages and a send operation.
 * Knows nothing of conversations.
 */
public interface Transport extends AutoCloseable {

    /** Starts receiving in the background; every message goes to {@code sink}. */
    void start(InboundSink sink);

    /** Sends one message; returns normally only when the server accepted it. */
    void send(OutboundMessage message) throws SendException;

    /** Turns on disappearing messages for this person's chat, where the transport supports it. */
    default void setDisappearingTimer(String recipient, int seconds) throws SendException {
    }

    /**
     * Accepts a recipient's changed identity key so sends to them work again.
     * Only for people asking questions: caseworkers must be verified instead.
     */
    default void acceptNewIdentity(String recipient) throws SendException {
    }

    /**
     * Whether the recipient's current Signal identity is the one whose safety number was verified
     * out of band. Caseworkers are checked before anything is sent to them or done on their word.
     */
    default boolean identityMatches(String recipient, String safetyNumber) throws SendException {
        return false;
    }

    /**
     * Makes the Signal side erase what it keeps about this person (contact, profile, identity key,
     * sessions), where the transport can; a person it does not know is not an error. No-op by
     * default: signal-cli-rest-api has no call for it, signal-cli's own daemon has.
     */
    default void forget(String recipient) throws SendException {
    }

    /**
     * Drops whatever the transport remembers in memory about this sender's messages (the duplicate
     * filter), after she asked to be forgotten.
     */
    default void forgetReceived(String sender) {
    }

    /** Whether {@link #forget} really makes the Signal side erase the person (the privacy words depend on it). */
    default boolean canForget() {
        return false;
    }

    /** Stops receiving and frees resources. */
    @Override
    void close();
}
