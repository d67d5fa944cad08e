package org.dari.transport;

/** A text the bot sends to one person. */
public record OutboundMessage(String recipient, String text) {
    public OutboundMessage {
        if (recipient == null || recipient.isBlank()) throw new IllegalArgumentException("recipient missing");
        if (text == null) throw new IllegalArgumentException("text missing");
    }

    @Override
    public String toString() {
        return "OutboundMessage[redacted, chars=" + text.length() + "]";
    }
}
