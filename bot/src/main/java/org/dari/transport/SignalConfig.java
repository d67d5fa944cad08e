package org.dari.transport;

import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach signal-cli-rest-api.
 *
 * @param baseUrl            http(s) address of the REST API, e.g. {@code http://127.0.0.1:8080}
 * @param account            the bot's own Signal number in E.164 form; never logged
 * @param receiveMode        how to receive: ask the server ({@code AUTO}), or force polling / websocket
 * @param pollTimeoutSeconds how long one poll may wait on the server for messages
 * @param minBackoff         first pause after a repeated failure
 * @param maxBackoff         longest pause between retries
 * @param connectTimeout     TCP connect timeout
 * @param readTimeout        read timeout for ordinary calls (a poll adds its own wait on top)
 */
public record SignalConfig(String baseUrl, String account, ReceiveMode receiveMode, int pollTimeoutSeconds,
                           Duration minBackoff, Duration maxBackoff, Duration connectTimeout, Duration readTimeout) {

    /** How messages are received. */
    public enum ReceiveMode {
        /** Ask {@code GET /v1/about}: normal/native mean polling, json-rpc means websocket. */
        AUTO,
        /** Always poll {@code GET /v1/receive}. */
        POLL,
        /** Always use the websocket on {@code /v1/receive}. */
        WEBSOCKET
    }

    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");
    static final int MAX_POLL_TIMEOUT_SECONDS = 600;

    public SignalConfig {
        HttpUrl url = baseUrl == null ? null : HttpUrl.parse(baseUrl);
        if (url == null) throw new IllegalArgumentException("baseUrl must be an http:// or https:// address");
        if (url.query() != null || url.fragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment");
        }
        if (account == null || !E164.matcher(account).matches()) {
            throw new IllegalArgumentException("account must be the bot's number in E.164 form: + and 7 to 15 digits");
        }
        if (receiveMode == null) throw new IllegalArgumentException("receiveMode missing (AUTO, POLL or WEBSOCKET)");
        if (pollTimeoutSeconds < 1 || pollTimeoutSeconds > MAX_POLL_TIMEOUT_SECONDS) {
            throw new IllegalArgumentException("pollTimeoutSeconds must be between 1 and " + MAX_POLL_TIMEOUT_SECONDS);
        }
        requirePositive(minBackoff, "minBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException("maxBackoff must not be shorter than minBackoff");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
    }

    /** Sensible production values: ask the server for the mode, 10 s polls, 1 s to 5 min backoff. */
    public static SignalConfig of(String baseUrl, String account) {
        return new SignalConfig(baseUrl, account, ReceiveMode.AUTO, 10, Duration.ofSeconds(1), Duration.ofMinutes(5),
                Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    public SignalConfig withReceiveMode(ReceiveMode mode) {
        return new SignalConfig(baseUrl, account, mode, pollTimeoutSeconds, minBackoff, maxBackoff, connectTimeout, readTimeout);
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be a positive duration");
    }

    @Override
    public String toString() {
        return "SignalConfig[account=<redacted>, receiveMode=" + receiveMode + ", pollTimeoutSeconds=" + pollTimeoutSeconds
                + ", minBackoff=" + minBackoff + ", maxBackoff=" + maxBackoff + "]";
    }
}
