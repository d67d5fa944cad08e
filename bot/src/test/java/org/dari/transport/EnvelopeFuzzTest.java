package org.dari.transport;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Whatever signal-cli-rest-api (a poll answer or a websocket frame) or signal-cli's daemon (the data
 * of an SSE {@code receive} event) sends, the receive path never throws, delivers only messages
 * with a UUID sender and a positive timestamp, counts every event once, and never puts message
 * text into anything printable. Regression inputs: {@code EnvelopeFuzzTestInputs/anyReceivedBytes/};
 * the first byte chooses the path (even: a REST poll answer, odd: one event).
 */
class EnvelopeFuzzTest {
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @FuzzTest(maxDuration = "10m")
    void anyReceivedBytes(byte[] input) {
        if (input.length == 0) return;
        boolean poll = (input[0] & 1) == 0;
        String body = new String(input, 1, input.length - 1, StandardCharsets.UTF_8);

        List<InboundMessage> delivered = new ArrayList<>();
        SignalCounters counters = new SignalCounters();
        StopSignal stop = new StopSignal();
        InboundPipeline pipeline = new InboundPipeline(MAPPER, new EnvelopeParser(), new DuplicateFilter(Duration.ofMinutes(5), 1000),
                id -> assertFalse(id.isBlank(), "a blank attachment id is never sent for deletion"),
                delivered::add, counters, stop, Duration.ofMillis(1), Duration.ofMillis(1));
        if (poll) pipeline.acceptBatch(body);
        else pipeline.acceptJsonAll(List.of(body));

        for (InboundMessage m : delivered) {
            assertTrue(UUID.matcher(m.sender()).matches(), "only a UUID sender is delivered");
            assertTrue(m.timestamp() > 0, "a delivered message has a positive timestamp");
            assertNotNull(m.text());
            assertTrue(m.hadAttachments() || !m.text().isEmpty(), "nothing empty is delivered");
            assertRedacted(m.toString(), m.text());
        }
        assertEquals(delivered.size(), counters.delivered.get());
        assertTrue(counters.received.get() >= delivered.size() + counters.duplicates.get());
        if (!poll) assertEquals(1, counters.received.get(), "one frame is one event");
        assertEquals(0, counters.abandoned.get());

        if (!poll) parseDirectly(body);
    }

    /** The parser on its own: each outcome carries exactly what it promises. */
    private static void parseDirectly(String json) {
        JsonNode event;
        try {
            event = MAPPER.readTree(json);
        } catch (Exception unreadable) {
            return;
        }
        ParsedEvent parsed = new EnvelopeParser().parse(event);
        assertNotNull(parsed.outcome());
        assertNotNull(parsed.attachmentIds());
        switch (parsed.outcome()) {
            case DELIVER -> {
                assertNotNull(parsed.message());
                assertRedacted(parsed.toString(), parsed.message().text());
                assertRedacted(parsed.toString(), parsed.message().sender());
            }
            case IGNORE -> assertNotNull(parsed.ignoredAs());
            case ERROR_FRAME, MALFORMED -> assertEquals(null, parsed.message());
        }
    }

    private static void assertRedacted(String printed, String secret) {
        if (secret.length() >= 4) assertFalse(printed.contains(secret), "printable form holds no message text or sender");
    }
}
