package org.dari.transport;

import java.util.List;

/**
 * What one received event means for the bot.
 *
 * @param outcome        deliver, ignore, or count as a server error / malformed event
 * @param ignoredAs      why it is ignored, when {@code outcome} is {@code IGNORE}
 * @param message        the message to deliver, when {@code outcome} is {@code DELIVER}
 * @param attachmentIds  attachments to delete on the server, whatever the outcome
 * @param hadException   the event carried an {@code "exception"} field
 */
record ParsedEvent(Outcome outcome, IgnoredKind ignoredAs, InboundMessage message, List<String> attachmentIds,
                   boolean hadException) {

    enum Outcome { DELIVER, IGNORE, ERROR_FRAME, MALFORMED }

    ParsedEvent {
        attachmentIds = List.copyOf(attachmentIds);
    }

    static ParsedEvent deliver(InboundMessage message, List<String> attachmentIds, boolean hadException) {
        return new ParsedEvent(Outcome.DELIVER, null, message, attachmentIds, hadException);
    }

    static ParsedEvent ignore(IgnoredKind kind, List<String> attachmentIds, boolean hadException) {
        return new ParsedEvent(Outcome.IGNORE, kind, null, attachmentIds, hadException);
    }

    static ParsedEvent errorFrame() {
        return new ParsedEvent(Outcome.ERROR_FRAME, null, null, List.of(), false);
    }

    static ParsedEvent malformed(List<String> attachmentIds, boolean hadException) {
        return new ParsedEvent(Outcome.MALFORMED, null, null, attachmentIds, hadException);
    }

    @Override
    public String toString() {
        return "ParsedEvent[" + outcome + (ignoredAs == null ? "" : "/" + ignoredAs) + ", attachments=" + attachmentIds.size() + "]";
    }
}
