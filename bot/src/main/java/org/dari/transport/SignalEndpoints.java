package org.dari.transport;

import okhttp3.HttpUrl;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** The addresses of the signal-cli-rest-api calls the bot uses. */
final class SignalEndpoints {
    /** Numbers, UUIDs, attachment ids: nothing that could change a path's meaning. */
    private static final Pattern SAFE_SEGMENT = Pattern.compile("[A-Za-z0-9+._:=-]{1,200}");

    private final HttpUrl base;
    private final String account;

    SignalEndpoints(SignalConfig config) {
        HttpUrl url = HttpUrl.get(config.baseUrl());
        HttpUrl.Builder builder = url.newBuilder();
        int last = url.pathSize() - 1;
        if (last >= 0 && url.pathSegments().get(last).isEmpty()) builder.removePathSegment(last);
        this.base = builder.build();
        this.account = encodeSegment(config.account());
    }

    HttpUrl about() {
        return path("v1", "about").build();
    }

    HttpUrl receive(int timeoutSeconds) {
        return path("v1", "receive").addEncodedPathSegment(account)
                .addQueryParameter("timeout", Integer.toString(timeoutSeconds))
                .addQueryParameter("ignore_attachments", "true")
                .addQueryParameter("ignore_stories", "true")
                .build();
    }

    /** The websocket address (OkHttp upgrades an http(s) address to ws(s)). */
    HttpUrl receiveSocket() {
        return path("v1", "receive").addEncodedPathSegment(account).build();
    }

    HttpUrl send() {
        return path("v2", "send").build();
    }

    HttpUrl contacts() {
        return path("v1", "contacts").addEncodedPathSegment(account).build();
    }

    HttpUrl identities() {
        return path("v1", "identities").addEncodedPathSegment(account).build();
    }

    HttpUrl trust(String recipient) {
        return path("v1", "identities").addEncodedPathSegment(account)
                .addPathSegment("trust").addEncodedPathSegment(encodeSegment(recipient)).build();
    }

    HttpUrl attachment(String id) {
        return path("v1", "attachments").addEncodedPathSegment(encodeSegment(id)).build();
    }

    static boolean isSafeSegment(String raw) {
        return raw != null && SAFE_SEGMENT.matcher(raw).matches() && !raw.chars().allMatch(c -> c == '.');
    }

    /**
     * Percent-encodes one path segment. Only a small, safe alphabet is accepted,
     * so that a value can never become {@code ..} or add a path level.
     */
    static String encodeSegment(String raw) {
        if (!isSafeSegment(raw)) throw new IllegalArgumentException("identifier has characters not allowed in a path");
        StringBuilder out = new StringBuilder(raw.length() + 8);
        for (byte b : raw.getBytes(StandardCharsets.US_ASCII)) {
            char c = (char) b;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' || c == '_') {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xF, 16)));
            }
        }
        return out.toString();
    }

    private HttpUrl.Builder path(String... segments) {
        HttpUrl.Builder builder = base.newBuilder();
        for (String segment : segments) builder.addPathSegment(segment);
        return builder;
    }
}
