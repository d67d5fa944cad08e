package org.dari.transport;

/** Why a received event was not handed to the conversation. */
public enum IgnoredKind {
    /** A message in a group: the bot is one-to-one only. */
    GROUP,
    /** Sent from the bot account's other devices. */
    SYNC,
    RECEIPT,
    TYPING,
    CALL,
    STORY,
    REACTION,
    REMOTE_DELETE,
    /** A disappearing-timer change without text. */
    EXPIRATION_UPDATE,
    /** A sticker without text. */
    STICKER,
    /** A data message with neither text nor attachments (profile key update, payment …). */
    EMPTY,
    /** No sender UUID, so nobody to answer. */
    NO_SOURCE,
    /** Any other envelope. */
    OTHER
}
