package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;

/**
 * Reads one signal-cli-rest-api event ({@code {"envelope":{…},"account":…}}) and
 * decides what it is. Unknown fields are ignored; a known field of the wrong
 * type makes the event malformed. Stateless and never throws.
 */
final class EnvelopeParser {
    private static final java.util.regex.Pattern UUID_SHAPE =
            java.util.regex.Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final int MAX_SENDER_LENGTH = 128;

    ParsedEvent parse(JsonNode event) {
        if (event == null || !event.isObject()) return ParsedEvent.malformed(List.of(), false);
        if (present(event.get("error"))) return ParsedEvent.errorFrame();
        boolean hadException = present(event.get("exception"));
        JsonNode envelope = event.get("envelope");
        if (envelope == null || !envelope.isObject()) return ParsedEvent.malformed(List.of(), hadException);
        List<String> attachmentIds = attachmentIds(envelope);
        try {
            return classify(envelope, attachmentIds, hadException);
        } catch (WrongShape e) {
            return ParsedEvent.malformed(attachmentIds, hadException);
        }
    }

    private ParsedEvent classify(JsonNode envelope, List<String> attachmentIds, boolean hadException) throws WrongShape {
        JsonNode data = dataMessage(envelope);
        if (data == null) return ParsedEvent.ignore(nonDataKind(envelope), attachmentIds, hadException);
        if (present(data.get("groupInfo")) || present(data.get("groupV2"))) {
            return ParsedEvent.ignore(IgnoredKind.GROUP, attachmentIds, hadException);
        }
        String sender = optionalText(envelope, "sourceUuid");
        if (sender == null || sender.isBlank()) return ParsedEvent.ignore(IgnoredKind.NO_SOURCE, attachmentIds, hadException);
        if (sender.length() > MAX_SENDER_LENGTH) throw new WrongShape();
        // it becomes a send recipient: anything but a UUID (say "group.…", which the REST API sends to a group) is refused
        if (!UUID_SHAPE.matcher(sender).matches()) throw new WrongShape();
        if (present(data.get("remoteDelete"))) return ParsedEvent.ignore(IgnoredKind.REMOTE_DELETE, attachmentIds, hadException);
        if (present(data.get("reaction"))) return ParsedEvent.ignore(IgnoredKind.REACTION, attachmentIds, hadException);

        String text = optionalText(data, "message");
        boolean hasText = text != null && !text.isEmpty();
        boolean hasAttachments = hasAttachments(data);
        if (!hasText && !hasAttachments) {
            if (optionalBoolean(data, "isExpirationUpdate")) {
                return ParsedEvent.ignore(IgnoredKind.EXPIRATION_UPDATE, attachmentIds, hadException);
            }
            if (present(data.get("sticker"))) return ParsedEvent.ignore(IgnoredKind.STICKER, attachmentIds, hadException);
            return ParsedEvent.ignore(IgnoredKind.EMPTY, attachmentIds, hadException);
        }
        long timestamp = timestamp(envelope, data);
        return ParsedEvent.deliver(new InboundMessage(sender, text, timestamp, hasAttachments), attachmentIds, hadException);
    }

    /** The data message, or the new data message of an edit; null if neither. */
    private static JsonNode dataMessage(JsonNode envelope) throws WrongShape {
        JsonNode data = envelope.get("dataMessage");
        if (present(data)) {
            if (!data.isObject()) throw new WrongShape();
            return data;
        }
        JsonNode edit = envelope.get("editMessage");
        if (present(edit)) {
            if (!edit.isObject()) throw new WrongShape();
            JsonNode edited = edit.get("dataMessage");
            if (!present(edited) || !edited.isObject()) throw new WrongShape();
            return edited;
        }
        return null;
    }

    private static IgnoredKind nonDataKind(JsonNode envelope) {
        if (present(envelope.get("syncMessage"))) return IgnoredKind.SYNC;
        if (present(envelope.get("receiptMessage"))) return IgnoredKind.RECEIPT;
        if (present(envelope.get("typingMessage"))) return IgnoredKind.TYPING;
        if (present(envelope.get("callMessage"))) return IgnoredKind.CALL;
        if (present(envelope.get("storyMessage"))) return IgnoredKind.STORY;
        return IgnoredKind.OTHER;
    }

    private static boolean hasAttachments(JsonNode data) throws WrongShape {
        JsonNode attachments = data.get("attachments");
        if (!present(attachments)) return false;
        if (!attachments.isArray()) throw new WrongShape();
        return !attachments.isEmpty();
    }

    /** Ids of the attachments to delete; tolerant, so that even a malformed event gets its files removed. */
    private static List<String> attachmentIds(JsonNode envelope) {
        List<String> ids = new ArrayList<>();
        collectIds(envelope.get("dataMessage"), ids);
        JsonNode edit = envelope.get("editMessage");
        if (edit != null && edit.isObject()) collectIds(edit.get("dataMessage"), ids);
        return ids;
    }

    private static void collectIds(JsonNode data, List<String> ids) {
        if (data == null || !data.isObject()) return;
        JsonNode attachments = data.get("attachments");
        if (attachments == null || !attachments.isArray()) return;
        for (JsonNode attachment : attachments) {
            JsonNode id = attachment.isObject() ? attachment.get("id") : null;
            if (id != null && id.isTextual() && !id.asText().isBlank()) ids.add(id.asText());
        }
    }

    private static long timestamp(JsonNode envelope, JsonNode data) throws WrongShape {
        Long ts = optionalLong(envelope, "timestamp");
        if (ts == null) ts = optionalLong(data, "timestamp");
        if (ts == null || ts <= 0) throw new WrongShape();
        return ts;
    }

    private static String optionalText(JsonNode parent, String field) throws WrongShape {
        JsonNode node = parent.get(field);
        if (!present(node)) return null;
        if (!node.isTextual()) throw new WrongShape();
        return node.asText();
    }

    private static boolean optionalBoolean(JsonNode parent, String field) throws WrongShape {
        JsonNode node = parent.get(field);
        if (!present(node)) return false;
        if (!node.isBoolean()) throw new WrongShape();
        return node.booleanValue();
    }

    private static Long optionalLong(JsonNode parent, String field) throws WrongShape {
        JsonNode node = parent.get(field);
        if (!present(node)) return null;
        if (!node.isIntegralNumber() || !node.canConvertToLong()) throw new WrongShape();
        return node.longValue();
    }

    private static boolean present(JsonNode node) {
        return node != null && !node.isNull() && !node.isMissingNode();
    }

    /** A known field had an unexpected type. Carries nothing. */
    private static final class WrongShape extends Exception {
        WrongShape() {
            super(null, null, false, false);
        }
    }
}
