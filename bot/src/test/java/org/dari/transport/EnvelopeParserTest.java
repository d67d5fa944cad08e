package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.dari.transport.ParsedEvent.Outcome;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class EnvelopeParserTest {
    private static final String UUID = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    private static final String NUMBER = "+4915112345678";
    private static final long TS = 1755379200123L;

    private final ObjectMapper mapper = new ObjectMapper();
    private final EnvelopeParser parser = new EnvelopeParser();

    private ParsedEvent parse(String json) throws Exception {
        return parser.parse(mapper.readTree(json));
    }

    @Test
    void theContractExampleIsDelivered() throws Exception {
        ParsedEvent event = parse("{\"envelope\":{\"sourceNumber\":\"+4915112345678\",\"sourceUuid\":\"" + UUID + "\","
                + "\"sourceName\":\"A\",\"sourceDevice\":1,\"timestamp\":1755379200123,\"serverReceivedTimestamp\":1755379200456,"
                + "\"serverDeliveredTimestamp\":1755379200789,\"dataMessage\":{\"timestamp\":1755379200123,\"message\":\"hello\","
                + "\"expiresInSeconds\":604800,\"viewOnce\":false}},\"account\":\"+4915187654321\"}");
        assertEquals(Outcome.DELIVER, event.outcome());
        assertEquals(new InboundMessage(UUID, "hello", TS, false), event.message());
    }

    @Test
    void unknownFieldsAreIgnored() throws Exception {
        ParsedEvent event = parse("{\"new\":{\"x\":[1]},\"envelope\":{\"sourceUuid\":\"" + UUID + "\",\"timestamp\":" + TS
                + ",\"futureField\":true,\"dataMessage\":{\"message\":\"hi\",\"mentions\":[],\"quote\":{\"id\":1},\"other\":null}}}");
        assertEquals(new InboundMessage(UUID, "hi", TS, false), event.message());
    }

    @Test
    void theDataMessageTimestampIsUsedWhenTheEnvelopeHasNone() throws Exception {
        ParsedEvent event = parse("{\"envelope\":{\"sourceUuid\":\"" + UUID + "\",\"dataMessage\":{\"timestamp\":" + TS
                + ",\"message\":\"hi\"}}}");
        assertEquals(TS, event.message().timestamp());
    }

    @Test
    void editsCarryTheNewText() throws Exception {
        ParsedEvent event = parse(Envelopes.edit(UUID, NUMBER, TS + 9, TS, "fixed"));
        assertEquals(new InboundMessage(UUID, "fixed", TS + 9, false), event.message());
    }

    @Test
    void attachmentsAreListedAndFlagged() throws Exception {
        ParsedEvent event = parse(Envelopes.withAttachments(UUID, NUMBER, TS, null, "a.jpg", "b.png"));
        assertEquals(Outcome.DELIVER, event.outcome());
        assertEquals(new InboundMessage(UUID, "", TS, true), event.message());
        assertEquals(List.of("a.jpg", "b.png"), event.attachmentIds());
    }

    @Test
    void groupsAreIgnoredButTheirAttachmentsListed() throws Exception {
        ParsedEvent event = parse(Envelopes.group(UUID, NUMBER, TS, "hi all", "g.jpg"));
        assertEquals(Outcome.IGNORE, event.outcome());
        assertEquals(IgnoredKind.GROUP, event.ignoredAs());
        assertEquals(List.of("g.jpg"), event.attachmentIds());
    }

    @Test
    void nonMessagesAreIgnoredByKind() throws Exception {
        assertEquals(IgnoredKind.RECEIPT, parse(Envelopes.receipt(UUID, TS)).ignoredAs());
        assertEquals(IgnoredKind.TYPING, parse(Envelopes.typing(UUID, TS)).ignoredAs());
        assertEquals(IgnoredKind.SYNC, parse(Envelopes.sync(UUID, NUMBER, TS, "x")).ignoredAs());
        assertEquals(IgnoredKind.CALL, parse(Envelopes.call(UUID, TS)).ignoredAs());
        assertEquals(IgnoredKind.STORY, parse(Envelopes.story(UUID, TS)).ignoredAs());
        assertEquals(IgnoredKind.REACTION, parse(Envelopes.reaction(UUID, NUMBER, TS, TS - 1)).ignoredAs());
        assertEquals(IgnoredKind.REMOTE_DELETE, parse(Envelopes.remoteDelete(UUID, NUMBER, TS, TS - 1)).ignoredAs());
        assertEquals(IgnoredKind.EXPIRATION_UPDATE, parse(Envelopes.expirationUpdate(UUID, NUMBER, TS, 60)).ignoredAs());
        assertEquals(IgnoredKind.STICKER, parse(Envelopes.sticker(UUID, NUMBER, TS)).ignoredAs());
        assertEquals(IgnoredKind.NO_SOURCE, parse(Envelopes.withoutSource(NUMBER, TS, "x")).ignoredAs());
        assertEquals(IgnoredKind.EMPTY, parse(Envelopes.text(UUID, NUMBER, TS, "")).ignoredAs());
        assertEquals(IgnoredKind.OTHER, parse("{\"envelope\":{\"sourceUuid\":\"" + UUID + "\",\"timestamp\":1}}").ignoredAs());
    }

    @Test
    void anExpirationUpdateWithTextIsStillAMessage() throws Exception {
        ParsedEvent event = parse("{\"envelope\":{\"sourceUuid\":\"" + UUID + "\",\"timestamp\":" + TS
                + ",\"dataMessage\":{\"message\":\"hi\",\"isExpirationUpdate\":true}}}");
        assertEquals(Outcome.DELIVER, event.outcome());
    }

    @Test
    void exceptionFieldsAreNoted() throws Exception {
        ParsedEvent event = parse(Envelopes.decryptionFailure(UUID, TS));
        assertEquals(Outcome.IGNORE, event.outcome());
        assertEquals(true, event.hadException());
    }

    @Test
    void errorFramesAreRecognised() throws Exception {
        assertEquals(Outcome.ERROR_FRAME, parse(Envelopes.errorFrame("boom")).outcome());
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "null", "42", "\"text\"", "[]", "{}", "{\"envelope\":null}", "{\"envelope\":\"x\"}", "{\"envelope\":[]}",
            "{\"envelope\":{\"sourceUuid\":42,\"timestamp\":1,\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":\"1\",\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1.5,\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":-3,\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":99999999999999999999,\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"dataMessage\":{\"message\":\"x\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"dataMessage\":{\"message\":5}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"dataMessage\":{\"message\":{\"a\":1}}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"dataMessage\":\"hello\"}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"dataMessage\":{\"message\":\"x\",\"attachments\":{}}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"dataMessage\":{\"isExpirationUpdate\":\"yes\"}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"editMessage\":{\"targetSentTimestamp\":1}}}",
            "{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":1,\"editMessage\":7}}"})
    void wrongShapesAreMalformed(String json) throws Exception {
        assertEquals(Outcome.MALFORMED, parse(json).outcome());
    }

    @Test
    void aMalformedEventStillListsItsAttachmentsForDeletion() throws Exception {
        ParsedEvent event = parse("{\"envelope\":{\"sourceUuid\":\"u\",\"timestamp\":\"bad\",\"dataMessage\":{\"message\":\"x\","
                + "\"attachments\":[{\"id\":\"keep-deleting.jpg\"},{\"id\":5},\"junk\"]}}}");
        assertEquals(Outcome.MALFORMED, event.outcome());
        assertEquals(List.of("keep-deleting.jpg"), event.attachmentIds());
    }

    @Test
    void anOverlongSenderIsMalformed() throws Exception {
        JsonNode event = mapper.readTree(Envelopes.text("u".repeat(500), NUMBER, TS, "x"));
        assertEquals(Outcome.MALFORMED, parser.parse(event).outcome());
    }

    @Test
    void aSenderThatIsNotAUuidNeverBecomesARecipient() throws Exception {
        for (String sender : List.of("group.c2lnbmFsLWdyb3Vw", "+4915112345678", "x", "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e1")) {
            ParsedEvent event = parse("{\"envelope\":{\"sourceUuid\":\"" + sender + "\",\"timestamp\":" + TS
                    + ",\"dataMessage\":{\"timestamp\":" + TS + ",\"message\":\"hi\"}}}");
            assertEquals(Outcome.MALFORMED, event.outcome(), "refused: " + sender);
        }
    }
}
