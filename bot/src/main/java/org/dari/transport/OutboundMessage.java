package org.dari.transport;

import java.util.Optional;

/** A text the bot sends to one person, with at most one file attached. */
public record OutboundMessage(String recipient, String text, Attachment attachment) {
    public OutboundMessage {
        if (recipient == null || recipient.isBlank()) throw new IllegalArgumentException("recipient missing");
        if (text == null) throw new IllegalArgumentException("text missing");
    }

    public OutboundMessage(String recipient, String text) {
        this(recipient, text, null);
    }

    public Optional<Attachment> file() {
        return Optional.ofNullable(attachment);
    }

    /** A file sent with a message (a sealed referral): name, media type and bytes. */
    public record Attachment(String fileName, String mediaType, byte[] data) {
        public Attachment {
            if (fileName == null || !fileName.matches("[A-Za-z0-9._-]{1,80}")) throw new IllegalArgumentException("bad file name");
            if (mediaType == null || !mediaType.matches("[a-z]+/[a-z0-9.+-]+")) throw new IllegalArgumentException("bad media type");
            data = data.clone();
        }

        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public String toString() {
            return "Attachment[bytes=" + data.length + "]";
        }
    }

    @Override
    public String toString() {
        return "OutboundMessage[redacted, chars=" + text.length() + (attachment == null ? "" : ", attachment") + "]";
    }
}
