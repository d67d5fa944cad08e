package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Locale;

/**
 * What a JSON-RPC error from signal-cli's daemon means for a send. The codes are
 * signal-cli's ({@code SignalJsonRpcCommandHandler}): -1 user error, -3 I/O error,
 * -4 untrusted key, -5 rate limit, -6 captcha rejected, and the JSON-RPC standard
 * ones. A failed send also carries its per-recipient results in
 * {@code data.response.results[].type} ({@code IDENTITY_FAILURE},
 * {@code UNREGISTERED_FAILURE}, {@code RATE_LIMIT_FAILURE}, {@code NETWORK_FAILURE} …).
 * The message text holds identifiers: it is read here and never kept or logged.
 */
final class JsonRpcFailure {
    static final int USER_ERROR = -1;
    static final int IO_ERROR = -3;
    static final int UNTRUSTED_KEY_ERROR = -4;
    static final int RATE_LIMIT_ERROR = -5;
    static final int CAPTCHA_REJECTED_ERROR = -6;
    static final int INTERNAL_ERROR = -32603;

    private JsonRpcFailure() {
    }

    /** The kind of failure a JSON-RPC {@code error} object stands for. */
    static SendException.Kind kind(JsonNode error) {
        SendException.Kind byResult = byResults(error.path("data").path("response").path("results"));
        if (byResult != null) return byResult;
        int code = error.path("code").asInt(0);
        switch (code) {
            case UNTRUSTED_KEY_ERROR:
                return SendException.Kind.UNTRUSTED_IDENTITY;
            case RATE_LIMIT_ERROR, CAPTCHA_REJECTED_ERROR:
                return SendException.Kind.RETRY_LATER;
            case IO_ERROR:
                // a network failure while sending: part of it may have reached Signal
                return SendException.Kind.UNCERTAIN;
            default:
                break;
        }
        SendException.Kind byText = byText(error.path("message").asText(""));
        if (byText != null) return byText;
        // An unexpected failure inside signal-cli (often a network error while sending): it may have gone out.
        if (code == INTERNAL_ERROR) return SendException.Kind.UNCERTAIN;
        return SendException.Kind.REJECTED;
    }

    /** The failure among per-recipient send results, or null if every one succeeded or none is readable. */
    static SendException.Kind byResults(JsonNode results) {
        if (!results.isArray()) return null;
        for (JsonNode result : results) {
            String type = result.path("type").asText("");
            if (type.isEmpty() || type.equalsIgnoreCase("SUCCESS")) continue;
            return switch (type.toUpperCase(Locale.ROOT)) {
                case "IDENTITY_FAILURE" -> SendException.Kind.UNTRUSTED_IDENTITY;
                case "UNREGISTERED_FAILURE" -> SendException.Kind.UNREGISTERED;
                // refused before sending (a captcha challenge is a RATE_LIMIT_FAILURE too)
                case "RATE_LIMIT_FAILURE", "PROOF_REQUIRED_FAILURE" -> SendException.Kind.RETRY_LATER;
                // NETWORK_FAILURE, INVALID_PRE_KEY_FAILURE, anything new: it may have gone out
                default -> SendException.Kind.UNCERTAIN;
            };
        }
        return null;
    }

    /**
     * Meaning read from signal-cli's wording, case-insensitive: "rate limit", "rate limiting",
     * "captcha", "untrusted" (identities, or the newer "untrusted recipient keys"), "not registered".
     */
    static SendException.Kind byText(String message) {
        String text = message.toLowerCase(Locale.ROOT);
        if (text.contains("rate limit") || text.contains("captcha")) return SendException.Kind.RETRY_LATER;
        if (text.contains("untrusted")) return SendException.Kind.UNTRUSTED_IDENTITY;
        if (text.contains("not registered") || text.contains("unregistered")) return SendException.Kind.UNREGISTERED;
        return null;
    }
}
