package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.Locale;

/**
 * Reads what signal-cli-rest-api answered to a call and says whether it went
 * through. Knows both success shapes of {@code POST /v2/send} and the error
 * texts of both server modes.
 */
final class SendResponseClassifier {

    /**
     * @param failure  why it did not go through, or null if it did
     * @param unparsed a 2xx answer that could not be read; it is taken as sent
     */
    record Verdict(SendException.Kind failure, boolean unparsed) {
        static final Verdict SENT = new Verdict(null, false);
        static final Verdict SENT_UNPARSED = new Verdict(null, true);

        boolean sent() {
            return failure == null;
        }
    }

    private final ObjectMapper mapper;

    SendResponseClassifier(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The answer to {@code POST /v2/send}. */
    Verdict classifySend(int status, String body) {
        if (status == 200 || status == 201) return classifySent(body);
        return new Verdict(failure(status, body), false);
    }

    /** The failure kind of any non-2xx answer. */
    SendException.Kind failure(int status, String body) {
        if (status == 408 || status == 429 || status >= 500) return SendException.Kind.RETRY_LATER;
        if (status == 400) {
            String text = body == null ? "" : body.toLowerCase(Locale.ROOT);
            // signal-cli words these differently per version and mode: match on meaning
            if (text.contains("rate limit") || text.contains("captcha") || text.contains("[413]")) {
                return SendException.Kind.RETRY_LATER;
            }
            if (text.contains("untrusted identit") || text.contains("untrusted recipient keys")) {
                return SendException.Kind.UNTRUSTED_IDENTITY;
            }
        }
        return SendException.Kind.REJECTED;
    }

    private Verdict classifySent(String body) {
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (Exception e) {
            return Verdict.SENT_UNPARSED;
        }
        if (root == null) return Verdict.SENT_UNPARSED;
        if (root.isObject()) return classifyResult(root);
        if (root.isArray() && !root.isEmpty()) {
            boolean unparsed = false;
            for (JsonNode result : root) {
                Verdict verdict = classifyResult(result);
                if (!verdict.sent()) return verdict;
                unparsed |= verdict.unparsed();
            }
            return unparsed ? Verdict.SENT_UNPARSED : Verdict.SENT;
        }
        return Verdict.SENT_UNPARSED;
    }

    /** One {@code {"timestamp":…, "errors":{"recipients":[{…,"reason":…}]}}} result. */
    private static Verdict classifyResult(JsonNode result) {
        if (!result.isObject()) return Verdict.SENT_UNPARSED;
        JsonNode recipients = result.path("errors").path("recipients");
        if (recipients.isArray()) {
            for (JsonNode recipient : recipients) {
                JsonNode reason = recipient.path("reason");
                if (reason.isTextual() && !reason.asText().isBlank()) return new Verdict(forReason(reason.asText()), false);
            }
        }
        JsonNode timestamp = result.get("timestamp");
        boolean readable = timestamp != null && (timestamp.isTextual() || timestamp.isIntegralNumber());
        return readable ? Verdict.SENT : Verdict.SENT_UNPARSED;
    }

    private static SendException.Kind forReason(String reason) {
        return switch (reason.trim().toUpperCase(Locale.ROOT)) {
            case "IDENTITY_FAILURE" -> SendException.Kind.UNTRUSTED_IDENTITY;
            case "UNREGISTERED_FAILURE" -> SendException.Kind.UNREGISTERED;
            // certainly refused before sending: keep the message, try later
            case "RATE_LIMIT_FAILURE", "PROOF_REQUIRED_FAILURE" -> SendException.Kind.RETRY_LATER;
            // NETWORK_FAILURE and anything new: it may have gone out
            default -> SendException.Kind.UNCERTAIN;
        };
    }
}
