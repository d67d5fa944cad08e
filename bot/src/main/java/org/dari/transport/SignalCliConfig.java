package org.dari.transport;

import okhttp3.HttpUrl;

import java.time.Duration;
import java.util.regex.Pattern;

/**
 * How to reach signal-cli's own JSON-RPC daemon over HTTP
 * ({@code signal-cli -a NUMBER daemon --http 127.0.0.1:PORT}).
 *
 * @param baseUrl        http address of the daemon, e.g. {@code http://127.0.0.1:8080}; the paths
 *                       {@code /api/v1/rpc} and {@code /api/v1/events} are added to it
 * @param account        the bot's own Signal number in E.164 form; never logged
 * @param minBackoff     first pause after a repeated failure
 * @param maxBackoff     longest pause between retries
 * @param connectTimeout TCP connect timeout
 * @param readTimeout    read timeout of one JSON-RPC call (a send to many devices can take a while)
 * @param eventsSilence  how long the event stream may stay silent before it counts as dead; the
 *                       daemon writes a keep-alive comment every 15 s, so this must be longer
 */
public record SignalCliConfig(String baseUrl, String account, Duration minBackoff, Duration maxBackoff,
                              Duration connectTimeout, Duration readTimeout, Duration eventsSilence) {

    /** The daemon's keep-alive period ({@code HttpServerHandler}: {@code wait(15_000)} between comments). */
    static final Duration DAEMON_KEEP_ALIVE = Duration.ofSeconds(15);
    private static final Pattern E164 = Pattern.compile("\\+[1-9][0-9]{6,14}");

    public SignalCliConfig {
        HttpUrl url = baseUrl == null ? null : HttpUrl.parse(baseUrl);
        if (url == null) throw new IllegalArgumentException("baseUrl must be an http:// or https:// address");
        if (url.query() != null || url.fragment() != null) {
            throw new IllegalArgumentException("baseUrl must not have a query or fragment");
        }
        if (account == null || !E164.matcher(account).matches()) {
            throw new IllegalArgumentException("account must be the bot's number in E.164 form: + and 7 to 15 digits");
        }
        requirePositive(minBackoff, "minBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        if (maxBackoff.compareTo(minBackoff) < 0) throw new IllegalArgumentException("maxBackoff must not be shorter than minBackoff");
        requirePositive(connectTimeout, "connectTimeout");
        requirePositive(readTimeout, "readTimeout");
        requirePositive(eventsSilence, "eventsSilence");
    }

    /** Production values: 1 s to 5 min backoff, 60 s send timeout, a stream silent for 60 s is reopened. */
    public static SignalCliConfig of(String baseUrl, String account) {
        return new SignalCliConfig(baseUrl, account, Duration.ofSeconds(1), Duration.ofMinutes(5), Duration.ofSeconds(10),
                Duration.ofSeconds(60), DAEMON_KEEP_ALIVE.multipliedBy(4));
    }

    /** The same, with another limit on one call's answer. */
    public SignalCliConfig withReadTimeout(Duration timeout) {
        return new SignalCliConfig(baseUrl, account, minBackoff, maxBackoff, connectTimeout, timeout, eventsSilence);
    }

    /** {@code POST /api/v1/rpc}: one JSON-RPC request, one response. */
    HttpUrl rpcUrl() {
        return base().addPathSegments("api/v1/rpc").build();
    }

    /**
     * {@code GET /api/v1/events?account=…}: the server-sent events. The account picks ours when the
     * daemon serves several accounts; a single-account daemon ignores it.
     */
    HttpUrl eventsUrl() {
        return base().addPathSegments("api/v1/events").addQueryParameter("account", account).build();
    }

    private HttpUrl.Builder base() {
        HttpUrl url = HttpUrl.get(baseUrl);
        HttpUrl.Builder builder = url.newBuilder();
        int last = url.pathSize() - 1;
        if (last >= 0 && url.pathSegments().get(last).isEmpty()) builder.removePathSegment(last);
        return builder;
    }

    private static void requirePositive(Duration d, String name) {
        if (d == null || d.isNegative() || d.isZero()) throw new IllegalArgumentException(name + " must be a positive duration");
    }

    @Override
    public String toString() {
        return "SignalCliConfig[account=<redacted>, minBackoff=" + minBackoff + ", maxBackoff=" + maxBackoff
                + ", eventsSilence=" + eventsSilence + "]";
    }
}
