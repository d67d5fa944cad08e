package org.dari.transport;

/**
 * One message a person sent to the bot, as the conversation sees it.
 *
 * @param sender          stable id of the person (Signal UUID, or a console id); never logged
 * @param text            the text, possibly empty (an attachment alone, a sticker)
 * @param timestamp       sender's timestamp in epoch ms; with {@code sender} it identifies the message
 * @param hadAttachments  the message carried attachments, which the transport has already deleted unread
 */
public record InboundMessage(String sender, String text, long timestamp, boolean hadAttachments) {
    public InboundMessage {
        if (sender == null || sender.isBlank()) throw new IllegalArgumentException("sender missing");
        text = text == null ? "" : text;
    }

    @Override
    public String toString() {
        return "InboundMessage[redacted, ts=" + timestamp + ", chars=" + text.length() + "]";
    }
}
