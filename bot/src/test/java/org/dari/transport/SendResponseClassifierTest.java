package org.dari.transport;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.dari.transport.SendException.Kind;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SendResponseClassifierTest {
    private final SendResponseClassifier classifier = new SendResponseClassifier(new ObjectMapper());

    @Test
    void successShapes() {
        assertEquals(SendResponseClassifier.Verdict.SENT, classifier.classifySend(201, "{\"timestamp\":\"1755379200123\"}"));
        assertEquals(SendResponseClassifier.Verdict.SENT, classifier.classifySend(200, "{\"timestamp\":1755379200123}"));
        assertEquals(SendResponseClassifier.Verdict.SENT, classifier.classifySend(201, "[{\"timestamp\":\"1\"}]"));
        assertEquals(SendResponseClassifier.Verdict.SENT,
                classifier.classifySend(201, "[{\"timestamp\":\"1\",\"errors\":{\"recipients\":[]}}]"));
        assertEquals(SendResponseClassifier.Verdict.SENT,
                classifier.classifySend(201, "[{\"timestamp\":\"1\",\"errors\":{\"recipients\":[{\"number\":\"+1\",\"reason\":\"\"}]}}]"));
    }

    @Test
    void anyRecipientErrorIsAFailure() {
        String body = "[{\"timestamp\":\"1\"},{\"timestamp\":\"2\",\"errors\":{\"recipients\":[{\"uuid\":\"u\",\"reason\":\"UNREGISTERED_FAILURE\"}]}}]";
        assertEquals(Kind.UNREGISTERED, classifier.classifySend(201, body).failure());
        String single = "{\"timestamp\":\"1\",\"errors\":{\"recipients\":[{\"reason\":\"identity_failure\"}]}}";
        assertEquals(Kind.UNTRUSTED_IDENTITY, classifier.classifySend(201, single).failure());
        String unknown = "[{\"timestamp\":\"1\",\"errors\":{\"recipients\":[{\"reason\":\"SOMETHING_NEW\"}]}}]";
        // an error we do not know may have happened after sending: never taken as certainly not sent
        assertEquals(Kind.UNCERTAIN, classifier.classifySend(201, unknown).failure());
        String rateLimited = "[{\"timestamp\":\"1\",\"errors\":{\"recipients\":[{\"reason\":\"RATE_LIMIT_FAILURE\"}]}}]";
        assertEquals(Kind.RETRY_LATER, classifier.classifySend(201, rateLimited).failure());
    }

    @Test
    void unreadableSuccessIsSentButFlagged() {
        SendResponseClassifier.Verdict verdict = classifier.classifySend(201, "<html>");
        assertTrue(verdict.sent());
        assertTrue(verdict.unparsed());
        assertTrue(classifier.classifySend(200, null).unparsed());
        assertFalse(classifier.classifySend(201, "{\"timestamp\":\"1\"}").unparsed());
    }

    @Test
    void signalCli0145WordingOfRateLimitsAndTheNextReleasesUntrustedKeys() {
        assertEquals(Kind.RETRY_LATER, classifier.failure(400, "{\"error\":\"3b5e…: Rate limit failure for \\\"3b5e…\\\", retry after 120 seconds\\nFailed to send message due to rate limiting\"}"));
        assertEquals(Kind.RETRY_LATER, classifier.failure(400, "{\"error\":\"Failed to send message due to rate limiting\"}"));
        assertEquals(Kind.RETRY_LATER, classifier.failure(400, "{\"error\":\"… CAPTCHA proof required for sending to …\"}"));
        assertEquals(Kind.UNTRUSTED_IDENTITY, classifier.failure(400, "{\"error\":\"Unable to complete request due to untrusted recipient keys\"}"));
        assertEquals(Kind.REJECTED, classifier.failure(400, "{\"error\":\"Invalid recipient\"}"), "anything else is final");
    }

    @Test
    void failureTextsOfBothModes() {
        assertEquals(Kind.RETRY_LATER, classifier.failure(400, "{\"error\":\"... captcha proof required ...\"}"));
        assertEquals(Kind.RETRY_LATER, classifier.failure(400, "{\"error\":\"[413] Rate limit exceeded: 413\"}"));
        assertEquals(Kind.UNTRUSTED_IDENTITY, classifier.failure(400, "{\"error\":\"Failed to send message due to untrusted identities\"}"));
        assertEquals(Kind.REJECTED, classifier.failure(400, "{\"error\":\"Invalid group id\"}"));
        assertEquals(Kind.REJECTED, classifier.failure(400, null));
        assertEquals(Kind.RETRY_LATER, classifier.failure(429, "{\"error\":\"x\",\"challenge_tokens\":[\"t\"]}"));
        assertEquals(Kind.RETRY_LATER, classifier.failure(408, ""));
        assertEquals(Kind.RETRY_LATER, classifier.failure(500, ""));
        assertEquals(Kind.RETRY_LATER, classifier.failure(504, ""));
        assertEquals(Kind.REJECTED, classifier.failure(401, "untrusted identities"));
        assertEquals(Kind.REJECTED, classifier.failure(302, ""));
    }
}
