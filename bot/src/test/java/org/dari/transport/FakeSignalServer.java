package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import okhttp3.HttpUrl;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okhttp3.mockwebserver.SocketPolicy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A stand-in for signal-cli-rest-api that follows shared/signal-api.md, for
 * transport tests and end-to-end tests of the whole bot.
 *
 * <ul>
 *   <li>{@link Mode#NORMAL}: {@code /v1/about} says "normal"; {@code GET /v1/receive/{number}}
 *       long-polls (up to its timeout, at most 1 s) and hands out everything pushed as one
 *       JSON array, served as text/plain, then {@code []}.</li>
 *   <li>{@link Mode#JSON_RPC}: {@code /v1/about} says "json-rpc"; a plain GET on
 *       {@code /v1/receive/{number}} answers 400, a websocket upgrade gets every pushed event
 *       as one text frame. Unlike the real server, events pushed while no socket is
 *       connected are kept until one connects.</li>
 * </ul>
 * It records {@code POST /v2/send}, {@code PUT /v1/contacts}, {@code DELETE /v1/attachments}
 * and trust calls, answers sends as told, and can be stopped and started again on the same
 * port. Build events with {@link Envelopes}.
 *
 * <pre>{@code
 * try (FakeSignalServer fake = FakeSignalServer.normal()) {
 *     fake.push(FakeSignalServer.Envelopes.text(uuid, number, ts, "hello"));
 *     ... new SignalTransport(SignalConfig.of(fake.baseUrl(), FakeSignalServer.BOT_NUMBER)) ...
 * }
 * }</pre>
 */
public final class FakeSignalServer implements AutoCloseable {
    /** The bot's own number on this fake; the transport must use it as its account. */
    public static final String BOT_NUMBER = "+4915187654321";
    private static final long MAX_LONG_POLL_MILLIS = 1_000;
    /** MockWebServer logs every request line (with numbers) through java.util.logging; keep it quiet. */
    private static final Logger MOCK_WEB_SERVER_LOG = Logger.getLogger(MockWebServer.class.getName());

    static {
        MOCK_WEB_SERVER_LOG.setLevel(Level.WARNING);
    }

    public enum Mode { NORMAL, JSON_RPC }

    /** How the fake answers one {@code POST /v2/send}. */
    public record SendReply(int status, String body) {
        /** Release 0.100: 201 {@code {"timestamp":"…"}} with the timestamp as a string. */
        public static SendReply legacy() {
            return new SendReply(201, "{\"timestamp\":\"" + System.currentTimeMillis() + "\"}");
        }

        /** Newer builds: 201 with an array of results, no errors. */
        public static SendReply arrayShape() {
            return new SendReply(201, "[{\"timestamp\":\"" + System.currentTimeMillis() + "\",\"errors\":{}}]");
        }

        /** Newer builds: 201 with a recipient error such as IDENTITY_FAILURE. */
        public static SendReply recipientError(String reason, String number, String uuid) {
            ObjectNode recipient = JsonNodeFactory.instance.objectNode()
                    .put("number", number).put("uuid", uuid).put("username", "").put("reason", reason);
            ObjectNode result = JsonNodeFactory.instance.objectNode().put("timestamp", Long.toString(System.currentTimeMillis()));
            result.putObject("errors").putArray("recipients").add(recipient);
            return new SendReply(201, JsonNodeFactory.instance.arrayNode().add(result).toString());
        }

        /** An {@code {"error":…}} answer with any status. */
        public static SendReply error(int status, String message) {
            return new SendReply(status, JsonNodeFactory.instance.objectNode().put("error", message).toString());
        }

        /** json-rpc mode rate limit: 429 with challenge tokens. */
        public static SendReply rateLimited() {
            ObjectNode body = JsonNodeFactory.instance.objectNode().put("error", "Failed to send message: rate limited");
            body.putArray("challenge_tokens").add("0f7c8d2e-5a1b-4c3d-9e8f-7a6b5c4d3e2f");
            return new SendReply(429, body.toString());
        }

        /** Reads the request, then drops the connection without answering (the send may or may not have gone out). */
        public static SendReply disconnectAfterRequest() {
            return new SendReply(-1, "");
        }

        /** Reads the request and never answers: the client's read timeout decides. */
        public static SendReply noAnswer() {
            return new SendReply(-2, "");
        }

        /** Answers 201 only after {@code delay}: longer than the client's read timeout, the send's outcome is unclear. */
        public static SendReply slow(java.time.Duration delay) {
            return new SendReply(-3 - (int) Math.min(Integer.MAX_VALUE - 3, delay.toMillis()), "");
        }

        /** normal mode, signal-cli 0.14.5 rate limit: 400 with its stdout and stderr joined. */
        public static SendReply rateLimitedNormalMode(String recipient) {
            return error(400, recipient + ": Rate limit failure for \"" + recipient + "\", retry after 3 seconds\n"
                    + "Failed to send message due to rate limiting");
        }

        /** normal mode captcha challenge: 400 with the telling text. */
        public static SendReply captcha(String number) {
            return error(400, "Failed to send message: CAPTCHA proof required for sending to \"" + number
                    + "\", available options \"RECAPTCHA\" with token \"0f7c8d2e\"");
        }
    }

    /**
     * Events one receive call handed out (a poll answer or a websocket frame), at {@link
     * System#nanoTime()} {@code atNanos}, to the request that arrived at {@code requestedNanos} (a
     * long poll may be answered after the bot that sent it was killed; a frame: when it was sent).
     */
    public record Handout(long atNanos, long requestedNanos, List<String> events) {
        Handout(long atNanos, List<String> events) {
            this(atNanos, atNanos, events);
        }
    }

    /** A recorded {@code PUT /v1/identities/{number}/trust/{numberToTrust}}. */
    public record TrustRequest(String account, String numberToTrust, JsonNode body) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    private final Deque<String> pending = new ArrayDeque<>();
    private final Deque<String> pollBodies = new ArrayDeque<>();
    private final List<WebSocket> sockets = new ArrayList<>();
    private final Deque<SendReply> nextSendReplies = new ArrayDeque<>();
    private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
    private final List<JsonNode> sends = new CopyOnWriteArrayList<>();
    private final List<JsonNode> deliveredSends = new CopyOnWriteArrayList<>();
    private final List<Handout> handouts = new CopyOnWriteArrayList<>();
    private final List<Long> pollArrivals = new CopyOnWriteArrayList<>();
    private final List<JsonNode> contactUpdates = new CopyOnWriteArrayList<>();
    private final List<String> contactAccounts = new CopyOnWriteArrayList<>();
    private final List<String> deletedAttachments = new CopyOnWriteArrayList<>();
    private final List<TrustRequest> trustRequests = new CopyOnWriteArrayList<>();
    /** Sends to these recipients are recorded, then wait unanswered until released (a slow or hung Signal). */
    private final java.util.Map<String, java.util.concurrent.CountDownLatch> held = new java.util.concurrent.ConcurrentHashMap<>();
    private volatile Mode mode;
    private volatile SendReply sendReply = null;
    private volatile String identitiesJson = "[]";
    private int aboutFailures;
    private int webSocketOpens;
    private int polls;
    private boolean stopping;
    private MockWebServer server;
    private int port;

    public FakeSignalServer(Mode mode) {
        this.mode = mode;
    }

    /** A started fake in normal (polling) mode. */
    public static FakeSignalServer normal() {
        return started(Mode.NORMAL);
    }

    /** A started fake in json-rpc (websocket) mode. */
    public static FakeSignalServer jsonRpc() {
        return started(Mode.JSON_RPC);
    }

    private static FakeSignalServer started(Mode mode) {
        FakeSignalServer fake = new FakeSignalServer(mode);
        fake.start();
        return fake;
    }

    // ---- lifecycle ---------------------------------------------------------------------------

    /** Starts listening on loopback: a free port the first time, the same port after a {@link #stop()}. */
    public synchronized void start() {
        if (server != null) throw new IllegalStateException("already running");
        synchronized (lock) {
            stopping = false;
        }
        MockWebServer next = new MockWebServer();
        next.setDispatcher(new ApiDispatcher());
        try {
            // A fixed port from the start: MockWebServer sets SO_REUSEADDR only then, and without
            // it the connections it closed (TIME_WAIT) would keep a restart from binding.
            if (port == 0) port = freePort();
            next.start(InetAddress.getLoopbackAddress(), port);
        } catch (IOException e) {
            throw new UncheckedIOException("fake signal server could not listen", e);
        }
        port = next.getPort();
        server = next;
    }

    private static int freePort() throws IOException {
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /** Goes away like a crashed server: open polls and websockets break, new connections are refused. */
    public synchronized void stop() {
        if (server == null) return;
        synchronized (lock) {
            stopping = true;
            sockets.clear();
            lock.notifyAll();
        }
        held.values().forEach(java.util.concurrent.CountDownLatch::countDown);
        held.clear();
        try {
            server.shutdown();
        } catch (IOException e) {
            throw new UncheckedIOException("fake signal server did not stop", e);
        }
        server = null;
    }

    /** Stops and starts again on the same port. */
    public void restart() {
        restart(mode);
    }

    /** Stops and starts again on the same port, now in {@code newMode}. */
    public synchronized void restart(Mode newMode) {
        stop();
        mode = newMode;
        start();
    }

    @Override
    public void close() {
        stop();
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    public synchronized int port() {
        if (port == 0) throw new IllegalStateException("not started yet");
        return port;
    }

    /** {@code http://127.0.0.1:<port>}, stable across restarts. */
    public String baseUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    public Mode mode() {
        return mode;
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** Queues one event (an array element in normal mode, a frame in json-rpc mode); may be any text. */
    public void push(String event) {
        synchronized (lock) {
            if (mode == Mode.JSON_RPC && !sockets.isEmpty() && sockets.get(sockets.size() - 1).send(event)) {
                handouts.add(new Handout(System.nanoTime(), List.of(event)));
                return;
            }
            pending.addLast(event);
            lock.notifyAll();
        }
    }

    /** Normal mode: the next poll answers exactly this body (before any pushed events). */
    public void pushPollBody(String body) {
        synchronized (lock) {
            pollBodies.addLast(body);
            lock.notifyAll();
        }
    }

    /** Events pushed but not yet handed out. */
    public int pending() {
        synchronized (lock) {
            return pending.size() + pollBodies.size();
        }
    }

    /** The next {@code n} calls of {@code /v1/about} answer 503. */
    public void failAbout(int n) {
        synchronized (lock) {
            aboutFailures = n;
        }
    }

    /** How many websocket connections were opened so far. */
    public int webSocketOpens() {
        synchronized (lock) {
            return webSocketOpens;
        }
    }

    public int openWebSockets() {
        synchronized (lock) {
            return sockets.size();
        }
    }

    /** How many receive polls were answered so far. */
    public int polls() {
        synchronized (lock) {
            return polls;
        }
    }

    /** Closes every open websocket from the server side, as the real server does when it restarts signal-cli. */
    public void closeWebSockets() {
        List<WebSocket> open;
        synchronized (lock) {
            open = new ArrayList<>(sockets);
            sockets.clear();
        }
        for (WebSocket socket : open) socket.close(1001, "going away");
    }

    // ---- sending and other calls ---------------------------------------------------------------

    /** Answers every later send this way (default: {@link SendReply#legacy()}). */
    public void replyToSends(SendReply reply) {
        sendReply = reply;
    }

    /** Answers the next send this way, then goes back to the default. Queued in order. */
    /** From now on, a send to this recipient is recorded and then left unanswered until {@link #release}. */
    public void holdSendsTo(String recipient) {
        held.putIfAbsent(recipient, new java.util.concurrent.CountDownLatch(1));
    }

    /** Lets the held sends to this recipient be answered. */
    public void release(String recipient) {
        java.util.concurrent.CountDownLatch gate = held.remove(recipient);
        if (gate != null) gate.countDown();
    }

    public void replyToNextSend(SendReply reply) {
        synchronized (lock) {
            nextSendReplies.addLast(reply);
        }
    }

    /**
     * Bodies of the sends that reached Signal: answered 2xx, or read in full and then left without an
     * answer (a reset or a timeout after the request: the real server would have sent it).
     */
    public List<JsonNode> deliveredSends() {
        return List.copyOf(deliveredSends);
    }

    /** What every receive call handed out, in order; an event here left the server for good. */
    public List<Handout> handouts() {
        return List.copyOf(handouts);
    }

    /** {@link System#nanoTime()} of every poll request's arrival, in order. */
    public List<Long> pollArrivals() {
        return List.copyOf(pollArrivals);
    }

    /** Bodies of every {@code POST /v2/send}, in order. */
    public List<JsonNode> sends() {
        return List.copyOf(sends);
    }

    /** Bodies of every {@code PUT /v1/contacts/{number}}, in order. */
    public List<JsonNode> contactUpdates() {
        return List.copyOf(contactUpdates);
    }

    /** The {number} path value of every contacts update, decoded. */
    public List<String> contactAccounts() {
        return List.copyOf(contactAccounts);
    }

    /** Ids of every {@code DELETE /v1/attachments/{id}}, in order. */
    public List<String> deletedAttachments() {
        return List.copyOf(deletedAttachments);
    }

    public List<TrustRequest> trustRequests() {
        return List.copyOf(trustRequests);
    }

    /** What {@code GET /v1/identities/{number}} answers (a JSON array). */
    public void setIdentities(String json) {
        identitiesJson = json;
    }

    /** Every request received, in order (including polls and websocket upgrades). */
    public List<RecordedRequest> requests() {
        return List.copyOf(requests);
    }

    // ---- the contract --------------------------------------------------------------------------

    private final class ApiDispatcher extends Dispatcher {
        @Override
        public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            HttpUrl url = request.getRequestUrl();
            List<String> path = url == null ? List.of() : url.pathSegments();
            String method = request.getMethod();
            String route = method + " " + String.join("/", path.subList(0, Math.min(2, path.size())));
            return switch (route) {
                case "GET v1/about" -> about();
                case "GET v1/health" -> new MockResponse().setResponseCode(204);
                case "GET v1/receive" -> receive(request, url, path);
                case "POST v2/send" -> send(request);
                case "PUT v1/contacts" -> contacts(request, path);
                case "DELETE v1/attachments" -> deleteAttachment(path);
                case "GET v1/identities" -> json(200, identitiesJson);
                case "PUT v1/identities" -> trust(request, path);
                default -> error(404, "not found");
            };
        }

        private MockResponse about() {
            synchronized (lock) {
                if (aboutFailures > 0) {
                    aboutFailures--;
                    return error(503, "starting");
                }
            }
            ObjectNode about = JsonNodeFactory.instance.objectNode();
            about.putArray("versions").add("v1").add("v2");
            about.put("build", 2);
            about.put("mode", mode == Mode.JSON_RPC ? "json-rpc" : "normal");
            about.put("version", "0.100");
            about.putObject("capabilities").putArray("v2/send").add("quotes").add("mentions");
            return json(200, about.toString());
        }

        private MockResponse receive(RecordedRequest request, HttpUrl url, List<String> path) {
            if (path.size() != 3) return error(404, "not found");
            if (mode == Mode.JSON_RPC) {
                if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
                    return error(400, "websocket: the client is not using the websocket protocol: 'upgrade' token not found in 'Connection' header");
                }
                if (!BOT_NUMBER.equals(path.get(2))) return error(400, "unknown account");
                return new MockResponse().withWebSocketUpgrade(new ServerEnd());
            }
            for (String flag : List.of("ignore_attachments", "ignore_stories", "ignore_avatars", "ignore_stickers")) {
                String value = url.queryParameter(flag);
                if (value != null && !value.equals("true") && !value.equals("false")) {
                    return error(400, "Couldn't process request - " + flag + " parameter needs to be either 'true' or 'false'");
                }
            }
            long timeoutSeconds;
            try {
                timeoutSeconds = Long.parseLong(url.queryParameter("timeout") == null ? "1" : url.queryParameter("timeout"));
            } catch (NumberFormatException e) {
                return error(400, "Couldn't process request - timeout needs to be numeric!");
            }
            if (!BOT_NUMBER.equals(path.get(2))) return error(400, "User is not registered");
            long arrived = System.nanoTime();
            pollArrivals.add(arrived);
            String body = awaitPollBody(arrived, Math.min(timeoutSeconds * 1000, MAX_LONG_POLL_MILLIS));
            if (body == null) return error(503, "stopping");
            return new MockResponse().setResponseCode(200).setHeader("Content-Type", "text/plain; charset=utf-8").setBody(body);
        }

        private String awaitPollBody(long arrived, long waitMillis) {
            long deadline = System.nanoTime() + Duration.ofMillis(waitMillis).toNanos();
            synchronized (lock) {
                try {
                    while (pending.isEmpty() && pollBodies.isEmpty() && !stopping) {
                        long left = deadline - System.nanoTime();
                        if (left <= 0) break;
                        lock.wait(Math.max(1, left / 1_000_000));
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (stopping) return null;
                polls++;
                if (!pollBodies.isEmpty()) return pollBodies.pollFirst();
                String body = "[" + String.join(",", pending) + "]";
                if (!pending.isEmpty()) handouts.add(new Handout(System.nanoTime(), arrived, List.copyOf(pending)));
                pending.clear();
                return body;
            }
        }

        private MockResponse send(RecordedRequest request) {
            JsonNode body = readBody(request);
            sends.add(body);
            java.util.concurrent.CountDownLatch gate = held.get(body.path("recipients").path(0).asText(""));
            if (gate != null) {
                try {
                    // MockWebServer serves each connection on its own thread: only this send waits
                    gate.await(120, java.util.concurrent.TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            SendReply reply;
            synchronized (lock) {
                reply = nextSendReplies.pollFirst();
            }
            if (reply == null) reply = sendReply;
            if (reply == null) reply = SendReply.legacy();
            if (reply.status() == -2) {
                deliveredSends.add(body);
                return new MockResponse().setSocketPolicy(SocketPolicy.NO_RESPONSE);
            }
            if (reply.status() < -2) {
                deliveredSends.add(body);
                return json(201, SendReply.legacy().body()).setHeadersDelay(-3 - reply.status(), java.util.concurrent.TimeUnit.MILLISECONDS);
            }
            if (reply.status() < 0) {
                deliveredSends.add(body);
                return new MockResponse().setSocketPolicy(SocketPolicy.DISCONNECT_AFTER_REQUEST);
            }
            if (reply.status() / 100 == 2) deliveredSends.add(body);
            return json(reply.status(), reply.body());
        }

        private MockResponse contacts(RecordedRequest request, List<String> path) {
            if (path.size() != 3) return error(404, "not found");
            JsonNode body = readBody(request);
            if (!body.hasNonNull("recipient")) return error(400, "Couldn't process request - invalid request");
            contactAccounts.add(path.get(2));
            contactUpdates.add(body);
            return new MockResponse().setResponseCode(204);
        }

        private MockResponse deleteAttachment(List<String> path) {
            if (path.size() != 3) return error(404, "not found");
            deletedAttachments.add(path.get(2));
            return new MockResponse().setResponseCode(204);
        }

        private MockResponse trust(RecordedRequest request, List<String> path) {
            if (path.size() != 5 || !path.get(3).equals("trust")) return error(404, "not found");
            trustRequests.add(new TrustRequest(path.get(2), path.get(4), readBody(request)));
            return new MockResponse().setResponseCode(204);
        }

        private JsonNode readBody(RecordedRequest request) {
            try {
                return mapper.readTree(request.getBody().readUtf8());
            } catch (IOException e) {
                return JsonNodeFactory.instance.objectNode();
            }
        }

        private MockResponse json(int status, String body) {
            return new MockResponse().setResponseCode(status).setHeader("Content-Type", "application/json; charset=utf-8").setBody(body);
        }

        private MockResponse error(int status, String message) {
            return json(status, JsonNodeFactory.instance.objectNode().put("error", message).toString());
        }
    }

    /** The server end of one websocket. */
    private final class ServerEnd extends WebSocketListener {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
            synchronized (lock) {
                if (stopping) {
                    webSocket.cancel();
                    return;
                }
                sockets.add(webSocket);
                webSocketOpens++;
                while (!pending.isEmpty() && webSocket.send(pending.peekFirst())) {
                    handouts.add(new Handout(System.nanoTime(), List.of(pending.pollFirst())));
                }
                lock.notifyAll();
            }
        }

        @Override
        public void onClosing(WebSocket webSocket, int code, String reason) {
            webSocket.close(1000, null);
            forget(webSocket);
        }

        @Override
        public void onClosed(WebSocket webSocket, int code, String reason) {
            forget(webSocket);
        }

        @Override
        public void onFailure(WebSocket webSocket, Throwable t, Response response) {
            forget(webSocket);
        }

        private void forget(WebSocket webSocket) {
            synchronized (lock) {
                sockets.remove(webSocket);
            }
        }
    }

    // ---- event builders ------------------------------------------------------------------------

    /** Builders for the events signal-cli-rest-api hands out (one array element / one frame each). */
    public static final class Envelopes {
        private Envelopes() {
        }

        /** A one-to-one text message. */
        public static String text(String uuid, String number, long timestamp, String text) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            data(envelope, timestamp).put("message", text);
            return wrap(envelope);
        }

        /** A text message from a person who hides their number ({@code sourceNumber: null}). */
        public static String hiddenNumber(String uuid, long timestamp, String text) {
            return text(uuid, null, timestamp, text);
        }

        /** A data message without {@code sourceUuid}. */
        public static String withoutSource(String number, long timestamp, String text) {
            ObjectNode envelope = envelope(null, number, timestamp);
            envelope.remove("sourceUuid");
            data(envelope, timestamp).put("message", text);
            return wrap(envelope);
        }

        /** A message in a group; {@code attachmentIds} may be empty. */
        public static String group(String uuid, String number, long timestamp, String text, String... attachmentIds) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            ObjectNode data = data(envelope, timestamp).put("message", text);
            data.putObject("groupInfo").put("groupId", "Z3JvdXBpZC1mb3ItdGVzdHMtb25seS0wMDAwMDAwMDA=")
                    .put("groupName", "group").put("type", "DELIVER");
            attachments(data, attachmentIds);
            return wrap(envelope);
        }

        /** A message with attachments; {@code text} may be null. */
        public static String withAttachments(String uuid, String number, long timestamp, String text, String... attachmentIds) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            ObjectNode data = data(envelope, timestamp);
            if (text == null) data.putNull("message");
            else data.put("message", text);
            attachments(data, attachmentIds);
            return wrap(envelope);
        }

        /** An edit of an earlier message, carrying the new text. */
        public static String edit(String uuid, String number, long timestamp, long targetTimestamp, String text) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            ObjectNode edit = envelope.putObject("editMessage").put("targetSentTimestamp", targetTimestamp);
            edit.putObject("dataMessage").put("timestamp", timestamp).put("message", text)
                    .put("expiresInSeconds", 0).put("viewOnce", false);
            return wrap(envelope);
        }

        public static String receipt(String uuid, long timestamp) {
            ObjectNode envelope = envelope(uuid, null, timestamp);
            ObjectNode receipt = envelope.putObject("receiptMessage").put("when", timestamp)
                    .put("isDelivery", false).put("isRead", true).put("isViewed", false);
            receipt.putArray("timestamps").add(timestamp - 50_000);
            return wrap(envelope);
        }

        public static String typing(String uuid, long timestamp) {
            ObjectNode envelope = envelope(uuid, null, timestamp);
            envelope.putObject("typingMessage").put("action", "STARTED").put("timestamp", timestamp);
            return wrap(envelope);
        }

        /** What the bot's own other device sent (a sync message). */
        public static String sync(String uuid, String number, long timestamp, String text) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            ObjectNode sent = envelope.putObject("syncMessage").putObject("sentMessage");
            sent.put("destination", number).put("timestamp", timestamp).put("message", text);
            return wrap(envelope);
        }

        public static String call(String uuid, long timestamp) {
            ObjectNode envelope = envelope(uuid, null, timestamp);
            envelope.putObject("callMessage").putObject("offerMessage").put("id", 1);
            return wrap(envelope);
        }

        public static String story(String uuid, long timestamp) {
            ObjectNode envelope = envelope(uuid, null, timestamp);
            envelope.putObject("storyMessage").put("allowsReplies", true);
            return wrap(envelope);
        }

        public static String reaction(String uuid, String number, long timestamp, long targetTimestamp) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            data(envelope, timestamp).putNull("message").putObject("reaction").put("emoji", "👍")
                    .put("targetAuthorUuid", uuid).put("targetSentTimestamp", targetTimestamp).put("isRemove", false);
            return wrap(envelope);
        }

        public static String remoteDelete(String uuid, String number, long timestamp, long targetTimestamp) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            data(envelope, timestamp).putNull("message").putObject("remoteDelete").put("timestamp", targetTimestamp);
            return wrap(envelope);
        }

        /** A disappearing-timer change (no text). */
        public static String expirationUpdate(String uuid, String number, long timestamp, int seconds) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            data(envelope, timestamp).putNull("message").put("expiresInSeconds", seconds).put("isExpirationUpdate", true);
            return wrap(envelope);
        }

        /** A sticker alone. */
        public static String sticker(String uuid, String number, long timestamp) {
            ObjectNode envelope = envelope(uuid, number, timestamp);
            data(envelope, timestamp).putNull("message").putObject("sticker")
                    .put("packId", "00112233445566778899aabbccddeeff").put("stickerId", 3);
            return wrap(envelope);
        }

        /** A message signal-cli could not decrypt: no data message, an {@code exception} field. */
        public static String decryptionFailure(String uuid, long timestamp) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.set("envelope", envelope(uuid, null, timestamp));
            event.putObject("exception").put("message", "decryption failed").put("type", "ProtocolInvalidMessageException");
            event.put("account", BOT_NUMBER);
            return event.toString();
        }

        /** A websocket error frame. */
        public static String errorFrame(String message) {
            return JsonNodeFactory.instance.objectNode().put("error", message).toString();
        }

        /** The array a poll would answer for these events. */
        public static String array(String... events) {
            return "[" + String.join(",", events) + "]";
        }

        private static ObjectNode envelope(String uuid, String number, long timestamp) {
            ObjectNode envelope = JsonNodeFactory.instance.objectNode();
            if (number == null) envelope.putNull("sourceNumber");
            else envelope.put("sourceNumber", number);
            if (uuid == null) envelope.putNull("sourceUuid");
            else envelope.put("sourceUuid", uuid);
            envelope.put("sourceName", "A");
            envelope.put("sourceDevice", 1);
            envelope.put("timestamp", timestamp);
            envelope.put("serverReceivedTimestamp", timestamp + 300);
            envelope.put("serverDeliveredTimestamp", timestamp + 600);
            return envelope;
        }

        private static ObjectNode data(ObjectNode envelope, long timestamp) {
            return envelope.putObject("dataMessage").put("timestamp", timestamp)
                    .put("expiresInSeconds", 604800).put("viewOnce", false);
        }

        private static void attachments(ObjectNode data, String... ids) {
            if (ids.length == 0) return;
            ArrayNode attachments = data.putArray("attachments");
            for (String id : ids) {
                attachments.addObject().put("contentType", "image/jpeg").put("filename", "photo.jpg")
                        .put("id", id).put("size", 48213);
            }
        }

        private static String wrap(ObjectNode envelope) {
            ObjectNode event = JsonNodeFactory.instance.objectNode();
            event.set("envelope", envelope);
            event.put("account", BOT_NUMBER);
            return event.toString();
        }
    }
}
