package org.dari.transport;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.dari.log.SafeLog;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Talks to signal-cli-rest-api (see shared/signal-api.md): receives by polling
 * or websocket in one background thread, sends one-to-one text messages, and
 * offers the few privacy calls the bot needs. Logs only event names and counts.
 */
public final class SignalTransport implements Transport {
    private static final SafeLog LOG = SafeLog.of(SignalTransport.class);
    private static final Duration DUPLICATE_WINDOW = Duration.ofHours(24);
    private static final long DUPLICATE_CAPACITY = 100_000;
    private static final long MAX_ANSWER_BYTES = 64 * 1024;
    private static final int ATTACHMENT_DELETE_ATTEMPTS = 3;

    private final SignalConfig config;
    private final OkHttpClient http;
    private final ObjectMapper mapper;
    private final SignalEndpoints endpoints;
    private final SendResponseClassifier classifier;
    private final SignalCounters counters = new SignalCounters();
    private final StopSignal stop = new StopSignal();
    private final ReceiverThread receiver;
    /** One filter for the transport's life, so that forgetting a person reaches it. */
    private final DuplicateFilter duplicates = new DuplicateFilter(DUPLICATE_WINDOW, DUPLICATE_CAPACITY);

    public SignalTransport(SignalConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http = RequestWritten.tracking(new OkHttpClient.Builder()
                .connectTimeout(config.connectTimeout())
                .readTimeout(config.readTimeout())
                .writeTimeout(config.readTimeout())
                .followRedirects(false)
                .followSslRedirects(false));
        this.mapper = JsonMapper.builder().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
        this.endpoints = new SignalEndpoints(config);
        this.classifier = new SendResponseClassifier(mapper);
        this.receiver = new ReceiverThread("dari-signal-receive", stop, http, counters);
    }

    @Override
    public void start(InboundSink sink) {
        Objects.requireNonNull(sink, "sink");
        receiver.start(() -> new ReceiveLoop(config, http, endpoints, mapper, new InboundPipeline(mapper, new EnvelopeParser(),
                duplicates, this::deleteAttachment, sink, counters, stop,
                config.minBackoff(), config.maxBackoff()), counters, stop));
    }

    @Override
    public void send(OutboundMessage message) throws SendException {
        Objects.requireNonNull(message, "message");
        ObjectNode body = mapper.createObjectNode();
        body.put("number", config.account());
        body.putArray("recipients").add(message.recipient());
        body.put("message", message.text());
        body.put("text_mode", "normal");
        message.file().ifPresent(f -> body.putArray("base64_attachments").add("data:" + f.mediaType() + ";filename="
                + f.fileName() + ";base64," + java.util.Base64.getEncoder().encodeToString(f.data())));
        RequestWritten written = new RequestWritten();
        Request request = written.tag(new Request.Builder().url(endpoints.send()).post(oneShot(body))).build();
        Answer answer = call(request, "send", written);
        SendResponseClassifier.Verdict verdict = classifier.classifySend(answer.status(), answer.body());
        if (verdict.unparsed()) {
            counters.unparsedSendResponses.incrementAndGet();
            LOG.warn("signal.send.unparsed_answer", "status", answer.status());
        }
        if (!verdict.sent()) {
            LOG.warn("signal.send.refused", "status", answer.status(), "kind", verdict.failure());
            throw new SendException(verdict.failure(), "send refused, http " + answer.status());
        }
        LOG.debug("signal.send.ok");
    }

    @Override
    public void setDisappearingTimer(String recipient, int seconds) throws SendException {
        requireRecipient(recipient);
        if (seconds < 0) throw new IllegalArgumentException("seconds must not be negative");
        ObjectNode body = mapper.createObjectNode();
        body.put("recipient", recipient);
        body.put("expiration_in_seconds", seconds);
        expectSuccess(call(new Request.Builder().url(endpoints.contacts()).put(json(body)).build(), "contacts"), "contacts");
    }

    /** The identity keys the server knows for this account's contacts. */
    public List<Identity> identities() throws SendException {
        Answer answer = call(new Request.Builder().url(endpoints.identities()).get().build(), "identities");
        expectSuccess(answer, "identities");
        JsonNode root;
        try {
            root = mapper.readTree(answer.body());
        } catch (Exception e) {
            root = null;
        }
        if (root == null || !root.isArray()) {
            LOG.warn("signal.identities.unreadable");
            throw new SendException(SendException.Kind.RETRY_LATER, "identities answer unreadable");
        }
        List<Identity> identities = new ArrayList<>();
        for (JsonNode entry : root) {
            if (!entry.isObject()) continue;
            identities.add(new Identity(text(entry, "number"), text(entry, "uuid"), Identity.Status.of(text(entry, "status")),
                    text(entry, "fingerprint"), text(entry, "safety_number"), text(entry, "added")));
        }
        return List.copyOf(identities);
    }

    /**
     * Whether the account's current identity key is the one whose safety number was verified out of
     * band. An account the server has no identity for, or a different number, does not match.
     */
    @Override
    public boolean identityMatches(String recipient, String safetyNumber) throws SendException {
        requireRecipient(recipient);
        return Identity.verified(identities(), recipient, safetyNumber);
    }

    /** Marks one contact's identity key as verified, after its safety number was compared out of band. */
    public void trustVerified(String recipient, String safetyNumber) throws SendException {
        if (safetyNumber == null || safetyNumber.isBlank()) throw new IllegalArgumentException("safety number missing");
        ObjectNode body = mapper.createObjectNode();
        body.put("verified_safety_number", safetyNumber);
        trust(recipient, body);
    }

    /**
     * Accepts a person's new safety number after they reinstalled Signal, as Signal's
     * own apps do for ordinary chats ({@code trust_all_known_keys}).
     */
    @Override
    public void acceptNewIdentity(String recipient) throws SendException {
        ObjectNode body = mapper.createObjectNode();
        body.put("trust_all_known_keys", true);
        trust(recipient, body);
    }

    private void trust(String recipient, ObjectNode body) throws SendException {
        requireRecipient(recipient);
        HttpUrl url;
        try {
            url = endpoints.trust(recipient);
        } catch (IllegalArgumentException e) {
            throw new SendException(SendException.Kind.REJECTED, "recipient cannot be used in a path");
        }
        expectSuccess(call(new Request.Builder().url(url).put(json(body)).build(), "trust"), "trust");
    }

    /** Content-free counters. */
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

    /** Best effort, a few quick tries: the REST API keeps received files in the clear on its disk. */
    private void deleteAttachment(String id) {
        HttpUrl url;
        try {
            url = endpoints.attachment(id);
        } catch (IllegalArgumentException e) {
            counters.attachmentDeleteFailures.incrementAndGet();
            LOG.warn("signal.attachment.unusable_id");
            return;
        }
        Backoff retry = new Backoff(config.minBackoff(), config.maxBackoff());
        for (int attempt = 1; attempt <= ATTACHMENT_DELETE_ATTEMPTS && !stop.stopped(); attempt++) {
            try (Response response = http.newCall(new Request.Builder().url(url).delete().build()).execute()) {
                if (response.isSuccessful()) {
                    counters.attachmentsDeleted.incrementAndGet();
                    return;
                }
                LOG.warn("signal.attachment.delete_failed", "status", response.code(), "attempt", attempt);
                if (response.code() < 500) break;
            } catch (IOException e) {
                LOG.warn("signal.attachment.delete_failed", "error", SafeLog.kind(e), "attempt", attempt);
            }
            if (!stop.pause(retry.next())) break;
        }
        counters.attachmentDeleteFailures.incrementAndGet();
    }

    /** Status and (bounded) body text of one call; network trouble becomes RETRY_LATER. */
    private Answer call(Request request, String what) throws SendException {
        return call(request, what, null);
    }

    /**
     * With {@code written} (a send): an I/O error after the request began to go out is UNCERTAIN,
     * since the server may have sent it; before that (connection refused) it is RETRY_LATER.
     */
    private Answer call(Request request, String what, RequestWritten written) throws SendException {
        try (Response response = http.newCall(request).execute()) {
            return new Answer(response.code(), response.peekBody(MAX_ANSWER_BYTES).string());
        } catch (IOException e) {
            SendException.Kind kind = written == null ? SendException.Kind.RETRY_LATER : written.failureKind();
            LOG.warn("signal." + what + ".failed", "error", SafeLog.kind(e), "kind", kind);
            throw new SendException(kind, what + " failed: network or server unreachable");
        }
    }

    private void expectSuccess(Answer answer, String what) throws SendException {
        if (answer.status() >= 200 && answer.status() < 300) return;
        SendException.Kind kind = classifier.failure(answer.status(), answer.body());
        LOG.warn("signal." + what + ".refused", "status", answer.status(), "kind", kind);
        throw new SendException(kind, what + " refused, http " + answer.status());
    }

    private static void requireRecipient(String recipient) {
        if (recipient == null || recipient.isBlank()) throw new IllegalArgumentException("recipient missing");
    }

    private static String text(JsonNode entry, String field) {
        JsonNode node = entry.get(field);
        return node != null && node.isValueNode() && !node.isNull() ? node.asText() : null;
    }

    private RequestBody json(ObjectNode body) {
        return JsonBodies.of(bytes(body));
    }

    /** Sends must never be repeated by OkHttp after a broken connection (see {@link JsonBodies#oneShot}). */
    private RequestBody oneShot(ObjectNode body) {
        return JsonBodies.oneShot(bytes(body));
    }

    private byte[] bytes(ObjectNode body) {
        try {
            return mapper.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException("could not encode request");
        }
    }

    private record Answer(int status, String body) {
        @Override
        public String toString() {
            return "Answer[status=" + status + "]";
        }
    }
}
