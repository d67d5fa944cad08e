package org.dari.transport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.dari.log.SafeLog;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Talks to signal-cli's own JSON-RPC daemon over HTTP, started as
 * {@code signal-cli -a NUMBER daemon --http 127.0.0.1:PORT --receive-mode on-connection
 * --no-receive-stdout --ignore-attachments --ignore-stories} (see ops/operators-guide.md).
 * Receives from {@code GET /api/v1/events} (server-sent events named {@code receive}, each
 * carrying the same object as a signal-cli-rest-api websocket frame, so parsing, duplicate
 * filtering and delivery are the shared {@link InboundPipeline}); calls {@code POST /api/v1/rpc}
 * with JSON-RPC 2.0 ({@code send}, {@code updateContact}, {@code listIdentities}, {@code trust},
 * {@code removeContact} with {@code forget}). Unlike signal-cli-rest-api it can make signal-cli
 * {@linkplain #forget(String) forget} a person.
 *
 * <p><b>Receive mode: {@code on-connection}.</b> signal-cli's {@code DaemonCommand} registers its
 * default (stdout) receive handler as a <em>weak</em> listener unless the mode is {@code on-start}
 * (the default), and {@code ManagerImpl} runs its receive thread only while a non-weak handler
 * exists. The events endpoint adds a non-weak handler per open stream ({@code HttpServerHandler})
 * and removes it when the stream ends. So with {@code on-start} signal-cli takes messages off
 * Signal's server, acknowledges them and hands them to stdout (or nowhere, with
 * {@code --no-receive-stdout}) while the bot is not connected: they are lost to the bot. With
 * {@code on-connection} nothing is taken off Signal's server while no stream is open: messages
 * wait there (and in signal-cli's on-disk message cache) until the bot connects again. Left open:
 * the one event being written when a stream breaks, and one written into a connection that already
 * died but whose death the daemon has not yet noticed (it finds out on its next write, at the latest
 * the 15 s keep-alive), are lost, because signal-cli has already acknowledged them. The bot keeps its
 * stream open and reopens it at once.
 *
 * <p>Attachments: the daemon should run with {@code --ignore-attachments}, so signal-cli never
 * downloads them; the JSON-RPC API has no call to delete a downloaded one, so there is nothing to
 * delete here. Logs carry only event names and counts, never identifiers or text.
 */
public final class SignalCliTransport implements Transport {
    private static final SafeLog LOG = SafeLog.of(SignalCliTransport.class);
    /** signal-cli answers 415 unless the Content-Type starts with {@code application/json}. */
    private static final Duration DUPLICATE_WINDOW = Duration.ofHours(24);
    private static final long DUPLICATE_CAPACITY = 100_000;
    private static final long MAX_ANSWER_BYTES = 256 * 1024;

    private final SignalCliConfig config;
    private final OkHttpClient http;
    private final ObjectMapper mapper;
    private final SignalCounters counters = new SignalCounters();
    private final StopSignal stop = new StopSignal();
    private final AtomicLong ids = new AtomicLong();
    private final ReceiverThread receiver;
    /** One filter for the transport's life, so that forgetting a person reaches it. */
    private final DuplicateFilter duplicates = new DuplicateFilter(DUPLICATE_WINDOW, DUPLICATE_CAPACITY);

    public SignalCliTransport(SignalCliConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = RequestWritten.tracking(new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .followRedirects(false)
                .followSslRedirects(false));
        this.mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        this.receiver = new ReceiverThread("dari-signal-cli-receive", stop, http, counters);
    }

    @Override
    public void start(InboundSink sink) {
        Objects.requireNonNull(sink, "sink");
        // With --ignore-attachments signal-cli downloads no attachment, and it offers no call to delete one.
        InboundPipeline.AttachmentRemover nothingToDelete = id -> { };
        receiver.start(() -> new EventStreamLoop(config, http, new InboundPipeline(mapper, new EnvelopeParser(),
                duplicates, nothingToDelete, sink, counters, stop,
                config.minBackoff(), config.maxBackoff()), counters, stop));
    }

    @Override
    public void send(OutboundMessage message) throws SendException {
        Objects.requireNonNull(message, "message");
        ObjectNode params = params();
        params.putArray("recipient").add(message.recipient());
        params.put("message", message.text());
        message.file().ifPresent(f -> params.putArray("attachments").add("data:" + f.mediaType() + ";filename="
                + f.fileName() + ";base64," + Base64.getEncoder().encodeToString(f.data())));
        JsonNode result;
        try {
            result = call("send", params, true);
        } catch (Unreadable e) {
            // The daemon answered 200 but not in a form we understand: it did send.
            counters.unparsedSendResponses.incrementAndGet();
            LOG.warn("signal.send.unparsed_answer");
            return;
        }
        // One recipient, so one result; should there be more, any success means it went out (never send twice).
        boolean anySuccess = false;
        for (JsonNode r : result.path("results")) anySuccess |= r.path("type").asText("").equalsIgnoreCase("SUCCESS");
        SendException.Kind failure = anySuccess ? null : JsonRpcFailure.byResults(result.path("results"));
        if (failure != null) {
            LOG.warn("signal.send.refused", "kind", failure);
            throw new SendException(failure, "send refused by a recipient result");
        }
        LOG.debug("signal.send.ok");
    }

    /** Sets the chat's disappearing-messages timer ({@code updateContact} with {@code expiration} in seconds). */
    @Override
    public void setDisappearingTimer(String recipient, int seconds) throws SendException {
        requireRecipient(recipient);
        if (seconds < 0) throw new IllegalArgumentException("seconds must not be negative");
        ObjectNode params = params();
        params.put("recipient", recipient);
        params.put("expiration", seconds);
        callQuietly("updateContact", params);
    }

    /**
     * Makes signal-cli erase everything it keeps about this person: contact, profile, identity key,
     * sessions, sender keys and cached messages ({@code removeContact} with {@code forget}).
     * A person signal-cli does not know is not an error.
     */
    @Override
    public boolean canForget() {
        return true;
    }

    @Override
    public void forget(String recipient) throws SendException {
        requireRecipient(recipient);
        ObjectNode params = params();
        params.put("recipient", recipient);
        params.put("forget", true);
        callQuietly("removeContact", params);
        LOG.info("signal.forget.done");
    }

    /** The identity keys signal-cli knows for this recipient ({@code listIdentities} with {@code number}). */
    public List<Identity> identities(String recipient) throws SendException {
        requireRecipient(recipient);
        ObjectNode params = params();
        params.put("number", recipient);
        JsonNode result;
        try {
            result = call("listIdentities", params, false);
        } catch (Unreadable e) {
            result = null;
        }
        if (result == null || !result.isArray()) {
            LOG.warn("signal.identities.unreadable");
            throw new SendException(SendException.Kind.RETRY_LATER, "identities answer unreadable");
        }
        List<Identity> identities = new ArrayList<>();
        for (JsonNode entry : result) {
            if (!entry.isObject()) continue;
            JsonNode added = entry.get("addedTimestamp");
            identities.add(new Identity(text(entry, "number"), text(entry, "uuid"), Identity.Status.of(text(entry, "trustLevel")),
                    text(entry, "fingerprint"), text(entry, "safetyNumber"),
                    added != null && added.isIntegralNumber() ? added.asText() : null));
        }
        return List.copyOf(identities);
    }

    /**
     * Whether the recipient's current identity key is the one whose safety number was verified out
     * of band (the digits compared, spaces ignored). No known key, or another one, does not match.
     */
    @Override
    public boolean identityMatches(String recipient, String safetyNumber) throws SendException {
        requireRecipient(recipient);
        return Identity.verified(identities(recipient), recipient, safetyNumber);
    }

    /** Marks one contact's identity key as verified, after its safety number was compared out of band. */
    public void trustVerified(String recipient, String safetyNumber) throws SendException {
        requireRecipient(recipient);
        if (safetyNumber == null || safetyNumber.isBlank()) throw new IllegalArgumentException("safety number missing");
        ObjectNode params = params();
        params.put("recipient", recipient);
        params.put("verifiedSafetyNumber", safetyNumber);
        callQuietly("trust", params);
    }

    /** Accepts a person's new safety number after they reinstalled Signal ({@code trust} with {@code trustAllKnownKeys}). */
    @Override
    public void acceptNewIdentity(String recipient) throws SendException {
        requireRecipient(recipient);
        ObjectNode params = params();
        params.put("recipient", recipient);
        params.put("trustAllKnownKeys", true);
        callQuietly("trust", params);
    }

    /** Content-free counters (the receive mode stays null: this transport has only one). */
    public SignalStats stats() {
        return counters.snapshot();
    }

    @Override
    public void forgetReceived(String sender) {
        if (sender != null) duplicates.forget(sender);
    }

    @Override
    public void close() {
        receiver.close();
    }

    /** The params every call starts with: our account, which a multi-account daemon needs and a single-account one ignores. */
    private ObjectNode params() {
        ObjectNode params = mapper.createObjectNode();
        params.put("account", config.account());
        return params;
    }

    /** A call whose result does not matter, only that it succeeded. */
    private void callQuietly(String method, ObjectNode params) throws SendException {
        try {
            call(method, params, false);
        } catch (Unreadable e) {
            LOG.warn("signal.rpc.unparsed_answer", "method", Method.of(method));
        }
    }

    /**
     * One JSON-RPC call: its {@code result}, or a {@link SendException} for an error answer,
     * an HTTP failure or network trouble (RETRY_LATER). {@code oneShot} keeps OkHttp from
     * silently sending the request a second time after a broken connection.
     */
    private JsonNode call(String method, ObjectNode params, boolean oneShot) throws SendException, Unreadable {
        long id = ids.incrementAndGet();
        ObjectNode request = mapper.createObjectNode();
        request.put("jsonrpc", "2.0");
        request.put("method", method);
        request.set("params", params);
        request.put("id", id);
        byte[] bytes;
        try {
            bytes = mapper.writeValueAsBytes(request);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode request");
        }
        Method what = Method.of(method);
        RequestWritten written = new RequestWritten();
        Request http = written.tag(new Request.Builder().url(config.rpcUrl()).post(body(bytes, oneShot))).build();
        int status;
        String body;
        try (Response response = this.http.newCall(http).execute()) {
            status = response.code();
            body = response.peekBody(MAX_ANSWER_BYTES).string();
        } catch (IOException e) {
            // a send whose request went out may have been sent; anything else is simply tried again
            SendException.Kind kind = oneShot ? written.failureKind() : SendException.Kind.RETRY_LATER;
            LOG.warn("signal.rpc.failed", "method", what, "error", SafeLog.kind(e), "kind", kind);
            throw new SendException(kind, "rpc failed: network or daemon unreachable");
        }
        if (status != 200) {
            // 415 wrong content type, 421 Host not allowed, 404/405 wrong address: our mistake or the operator's.
            SendException.Kind kind = status == 408 || status == 429 || status >= 500
                    ? SendException.Kind.RETRY_LATER : SendException.Kind.REJECTED;
            LOG.warn("signal.rpc.http_failure", "method", what, "status", status, "kind", kind);
            throw new SendException(kind, "rpc refused, http " + status);
        }
        JsonNode answer;
        try {
            answer = body.isBlank() ? null : mapper.readTree(body);
        } catch (IOException e) {
            answer = null;
        }
        if (answer == null || !answer.isObject() || (answer.hasNonNull("id") && answer.get("id").asLong(-1) != id)) {
            throw new Unreadable();
        }
        JsonNode error = answer.get("error");
        if (error != null && error.isObject()) {
            SendException.Kind kind = JsonRpcFailure.kind(error);
            if (!oneShot && kind == SendException.Kind.UNCERTAIN) kind = SendException.Kind.RETRY_LATER;
            LOG.warn("signal.rpc.error", "method", what, "code", error.path("code").asInt(0), "kind", kind);
            throw new SendException(kind, "rpc error " + error.path("code").asInt(0));
        }
        if (!answer.has("result")) throw new Unreadable();
        return answer.get("result");
    }

    private static RequestBody body(byte[] bytes, boolean oneShot) {
        return oneShot ? JsonBodies.oneShot(bytes) : JsonBodies.of(bytes);
    }

    private static void requireRecipient(String recipient) {
        if (recipient == null || recipient.isBlank()) throw new IllegalArgumentException("recipient missing");
    }

    private static String text(JsonNode entry, String field) {
        JsonNode node = entry.get(field);
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    /** The JSON-RPC methods this transport calls, as a loggable value. */
    private enum Method {
        SEND, UPDATE_CONTACT, REMOVE_CONTACT, LIST_IDENTITIES, TRUST, OTHER;

        static Method of(String name) {
            return switch (name) {
                case "send" -> SEND;
                case "updateContact" -> UPDATE_CONTACT;
                case "removeContact" -> REMOVE_CONTACT;
                case "listIdentities" -> LIST_IDENTITIES;
                case "trust" -> TRUST;
                default -> OTHER;
            };
        }
    }

    /** A 200 answer that is not a JSON-RPC response to our request. Carries nothing. */
    private static final class Unreadable extends Exception {
        Unreadable() {
            super(null, null, false, false);
        }
    }
}
