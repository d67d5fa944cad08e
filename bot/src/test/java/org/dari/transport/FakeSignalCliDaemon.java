package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * A stand-in for signal-cli's JSON-RPC daemon over HTTP ({@code signal-cli -a NUMBER daemon --http
 * 127.0.0.1:PORT --receive-mode on-connection}), written from signal-cli 0.14.x's
 * {@code HttpServerHandler}, {@code ServerSentEventSender}, {@code SignalJsonRpcCommandHandler},
 * {@code JsonRpcReader}, the commands it runs and {@code man/signal-cli-jsonrpc.5.adoc}. Like the
 * original it runs on the JDK's {@code com.sun.net.httpserver.HttpServer} (OkHttp's MockWebServer
 * cannot stream a response body that grows over time).
 *
 * <ul>
 *   <li>{@code POST /api/v1/rpc}: 421 for a Host other than loopback on this port, 404 for another
 *       path, 405 for another method, 415 unless Content-Type starts with {@code application/json};
 *       one JSON-RPC 2.0 request, one response with HTTP 200 (errors too), 201 without a body for a
 *       notification. Methods: {@code send}, {@code updateContact}, {@code removeContact},
 *       {@code listIdentities}, {@code trust}; others answer -32601.</li>
 *   <li>{@code GET /api/v1/events}: {@code text/event-stream}; each received message as
 *       {@code event:receive} + {@code data:<json>} + blank line, a {@code :} keep-alive comment
 *       every {@link #keepAliveMillis} (15 s upstream), {@code ?account=} must name this account
 *       when given. As with {@code --receive-mode on-connection}, messages pushed while no stream is
 *       open wait (on Signal's server, upstream) until one opens.</li>
 *   <li>{@code GET /api/v1/check}: 200.</li>
 * </ul>
 * Build the receive objects with {@link FakeSignalServer.Envelopes}: they have the same shape.
 */
public final class FakeSignalCliDaemon implements AutoCloseable {
    public static final String BOT_NUMBER = FakeSignalServer.BOT_NUMBER;

    /** One recorded JSON-RPC request. */
    public record RpcCall(String method, JsonNode params, String contentType) {
    }

    private final ObjectMapper mapper = new ObjectMapper();
    private final Object lock = new Object();
    /** Raw SSE text waiting for a stream: framed events, or anything a test injects. */
    private final Deque<String> pending = new ArrayDeque<>();
    private final List<OpenStream> streams = new ArrayList<>();
    private final Map<String, Deque<ObjectNode>> nextErrors = new HashMap<>();
    /** HTTP statuses the next JSON-RPC posts get instead of being run (a crashed daemon behind a proxy). */
    private final Deque<Integer> nextHttpFailures = new ArrayDeque<>();
    /** Delays before answering the next JSON-RPC posts, which are run at once (the outcome is then unclear to a client that gave up). */
    private final Map<String, Deque<Long>> nextDelaysMillis = new HashMap<>();
    private int boundPort;
    private final List<RpcCall> calls = new CopyOnWriteArrayList<>();
    private final List<String> rpcContentTypes = new CopyOnWriteArrayList<>();
    /** The params of every send that reached Signal (ran without error, however late it was answered). */
    private final List<JsonNode> delivered = new CopyOnWriteArrayList<>();
    private final long keepAliveMillis;
    private volatile String identitiesJson = "[]";
    private int eventStreamsOpened;
    private int keepAlivesSent;
    private boolean stopping;
    private HttpServer server;
    private ExecutorService executor;

    private FakeSignalCliDaemon(long keepAliveMillis) {
        this.keepAliveMillis = keepAliveMillis;
    }

    /** A started stand-in on a free loopback port, with keep-alives every {@code keepAliveMillis}. */
    public static FakeSignalCliDaemon started(long keepAliveMillis) {
        FakeSignalCliDaemon daemon = new FakeSignalCliDaemon(keepAliveMillis);
        daemon.start();
        return daemon;
    }

    private void start() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), boundPort), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("stand-in could not listen", e);
        }
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "fake-signal-cli");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/api/v1/rpc", this::rpc);
        server.createContext("/api/v1/events", this::events);
        server.createContext("/api/v1/check", this::check);
        server.start();
        boundPort = server.getAddress().getPort();
        synchronized (lock) {
            stopping = false;
        }
    }

    /** The daemon goes away: open streams end, the port refuses connections until {@link #comeBack()}. */
    public void goAway() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        dropEventStreams();
        server.stop(0);
        executor.shutdownNow();
    }

    /** The daemon is back on the same port; messages pushed meanwhile wait for the next stream. */
    public void comeBack() {
        start();
    }

    /** The next JSON-RPC post is answered with this HTTP status and no JSON-RPC response; queued in order. */
    public void failNextHttp(int status) {
        synchronized (lock) {
            nextHttpFailures.addLast(status);
        }
    }

    /** The next call of {@code method} is run at once but answered only after {@code delay}; queued in order. */
    public void answerNextAfter(String method, java.time.Duration delay) {
        synchronized (lock) {
            nextDelaysMillis.computeIfAbsent(method, m -> new ArrayDeque<>()).addLast(delay.toMillis());
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            stopping = true;
            lock.notifyAll();
        }
        dropEventStreams();
        server.stop(0);
        executor.shutdownNow();
    }

    public int port() {
        return boundPort;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public String baseUrl() {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + port();
    }

    // ---- receiving -----------------------------------------------------------------------------

    /** One received message, sent as upstream's {@code ServerSentEventSender} frames it. */
    public void push(String receiveObject) {
        if (receiveObject.contains("\n")) throw new IllegalArgumentException("upstream data lines hold no newline");
        pushRaw("event:receive\ndata:" + receiveObject + "\n\n");
    }

    /** Any text, written to the stream as it is (a comment, an event of another name …). */
    public void pushRaw(String sseText) {
        synchronized (lock) {
            pending.addLast(sseText);
            lock.notifyAll();
        }
    }

    /** Ends every open event stream from the server side, as when the daemon restarts. */
    public void dropEventStreams() {
        List<OpenStream> open;
        synchronized (lock) {
            open = new ArrayList<>(streams);
            streams.clear();
            for (OpenStream s : open) s.dropped = true;
            lock.notifyAll();
        }
        for (OpenStream s : open) s.exchange.close();
    }

    public int eventStreamsOpened() {
        synchronized (lock) {
            return eventStreamsOpened;
        }
    }

    public int openEventStreams() {
        synchronized (lock) {
            return streams.size();
        }
    }

    public int keepAlivesSent() {
        synchronized (lock) {
            return keepAlivesSent;
        }
    }

    public int pending() {
        synchronized (lock) {
            return pending.size();
        }
    }

    // ---- JSON-RPC --------------------------------------------------------------------------------

    /** The next call of {@code method} fails with this JSON-RPC error object. Queued in order. */
    public void failNext(String method, ObjectNode error) {
        synchronized (lock) {
            nextErrors.computeIfAbsent(method, m -> new ArrayDeque<>()).addLast(error);
        }
    }

    /** What {@code listIdentities} knows (a JSON array of upstream's JsonIdentity objects). */
    public void setIdentities(String json) {
        identitiesJson = json;
    }

    /** Every JSON-RPC request that reached a method, in order. */
    public List<RpcCall> calls() {
        return List.copyOf(calls);
    }

    public List<RpcCall> calls(String method) {
        return calls.stream().filter(c -> c.method().equals(method)).toList();
    }

    /** The params of every send that went out to Signal, in order. */
    public List<JsonNode> delivered() {
        return List.copyOf(delivered);
    }

    /** The Content-Type of every POST to /api/v1/rpc, accepted or not. */
    public List<String> rpcContentTypes() {
        return List.copyOf(rpcContentTypes);
    }

    /** Upstream's error for a send that hit a rate limit (RateLimitErrorException, -5), with its results. */
    public static ObjectNode rateLimitError(String recipient) {
        return sendError(-5, "Failed to send message due to rate limiting", recipient, "RATE_LIMIT_FAILURE");
    }

    /** Upstream's error for a send refused because the recipient's key changed (UntrustedKeyErrorException, -4). */
    public static ObjectNode untrustedError(String recipient) {
        return sendError(-4, "Failed to send message due to untrusted identities", recipient, "IDENTITY_FAILURE");
    }

    /** Upstream's error when the recipient left Signal (UserErrorException, -1, the result says why). */
    public static ObjectNode unregisteredError(String recipient) {
        return sendError(-1, "Failed to send message", recipient, "UNREGISTERED_FAILURE");
    }

    /** A send failing with per-recipient results, as {@code SignalJsonRpcCommandHandler} wraps them. */
    public static ObjectNode sendError(int code, String message, String recipient, String type) {
        ObjectNode result = JsonNodeFactory.instance.objectNode();
        result.putObject("recipientAddress").put("uuid", recipient).putNull("number").putNull("username");
        result.put("type", type);
        if (type.equals("RATE_LIMIT_FAILURE")) result.put("retryAfterSeconds", 3600);
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("timestamp", System.currentTimeMillis());
        response.putArray("results").add(result);
        ObjectNode error = error(code, message);
        error.putObject("data").set("response", response);
        return error;
    }

    public static ObjectNode error(int code, String message) {
        return JsonNodeFactory.instance.objectNode().put("code", code).put("message", message);
    }

    // ---- the contract --------------------------------------------------------------------------

    private void check(HttpExchange exchange) throws IOException {
        if (!"/api/v1/check".equals(exchange.getRequestURI().getPath())) {
            respond(exchange, 404, null);
        } else if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, null);
        } else {
            respond(exchange, 200, null);
        }
    }

    private void rpc(HttpExchange exchange) throws IOException {
        if (!hostAllowed(exchange)) {
            respond(exchange, 421, null);
            return;
        }
        if (!"/api/v1/rpc".equals(exchange.getRequestURI().getPath())) {
            respond(exchange, 404, null);
            return;
        }
        if (!"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, null);
            return;
        }
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        rpcContentTypes.add(String.valueOf(contentType));
        if (contentType == null || !contentType.startsWith("application/json")) {
            respond(exchange, 415, null);
            return;
        }
        JsonNode request;
        try {
            request = mapper.readTree(exchange.getRequestBody());
        } catch (IOException e) {
            respond(exchange, 200, response(null, null, error(-32700, "parse error")));
            return;
        }
        if (request == null || !request.isObject() || !request.path("method").isTextual()) {
            respond(exchange, 200, response(null, null, error(-32600, "invalid request")));
            return;
        }
        Integer httpFailure;
        synchronized (lock) {
            httpFailure = nextHttpFailures.pollFirst();
        }
        if (httpFailure != null) {
            respond(exchange, httpFailure, null);
            return;
        }
        JsonNode id = request.get("id");
        String method = request.get("method").asText();
        JsonNode params = request.path("params").isObject() ? request.get("params") : JsonNodeFactory.instance.objectNode();
        JsonNode result = null;
        ObjectNode error;
        Long delay = null;
        synchronized (lock) {
            Deque<ObjectNode> queued = nextErrors.get(method);
            error = queued == null ? null : queued.pollFirst();
            Deque<Long> delays = nextDelaysMillis.get(method);
            // a scripted error answers at once; a scripted delay applies to the next call that runs
            if (error == null && delays != null) delay = delays.pollFirst();
        }
        if (error == null) {
            try {
                result = run(method, params, contentType);
            } catch (RpcError e) {
                error = e.error;
            }
        } else {
            calls.add(new RpcCall(method, params, contentType));
        }
        if (delay != null) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (id == null || id.isNull()) {
            respond(exchange, 201, null);
        } else {
            respond(exchange, 200, response(id, result, error));
        }
    }

    private JsonNode run(String method, JsonNode params, String contentType) throws RpcError {
        switch (method) {
            case "send", "updateContact", "removeContact", "listIdentities", "trust" -> calls.add(new RpcCall(method, params, contentType));
            default -> throw new RpcError(error(-32601, "Method not implemented"));
        }
        return switch (method) {
            case "send" -> {
                List<String> recipients = recipients(params);
                if (recipients.isEmpty()) throw new RpcError(error(-1, "No recipients given"));
                if (params.path("message").asText("").isEmpty() && !params.has("attachments") && !params.has("attachment")) {
                    throw new RpcError(error(-1, "Sending empty message is not allowed, either a message, attachment or sticker must be given."));
                }
                ObjectNode sent = JsonNodeFactory.instance.objectNode().put("timestamp", System.currentTimeMillis());
                ArrayNode results = sent.putArray("results");
                for (String r : recipients) {
                    results.addObject().put("type", "SUCCESS").putObject("recipientAddress").put("uuid", r)
                            .putNull("number").putNull("username");
                }
                delivered.add(params);
                yield sent;
            }
            case "updateContact", "removeContact", "trust" -> {
                if (!params.path("recipient").isTextual()) throw new RpcError(error(-32602, "recipient missing"));
                yield JsonNodeFactory.instance.objectNode();
            }
            case "listIdentities" -> {
                JsonNode all;
                try {
                    all = mapper.readTree(identitiesJson);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                String number = params.path("number").asText(null);
                ArrayNode matching = JsonNodeFactory.instance.arrayNode();
                for (JsonNode identity : all) {
                    if (number == null || number.equals(identity.path("number").asText(null))
                            || number.equals(identity.path("uuid").asText(null))) {
                        matching.add(identity);
                    }
                }
                yield matching;
            }
            default -> throw new IllegalStateException("unreachable");
        };
    }

    /** {@code recipient} as a single value or an array; {@code recipients} too (JsonRpcNamespace's plural rule). */
    private static List<String> recipients(JsonNode params) {
        List<String> out = new ArrayList<>();
        for (String field : List.of("recipient", "recipients")) {
            JsonNode node = params.get(field);
            if (node == null) continue;
            if (node.isTextual()) out.add(node.asText());
            if (node.isArray()) node.forEach(n -> out.add(n.asText()));
        }
        return out;
    }

    private ObjectNode response(JsonNode id, JsonNode result, ObjectNode error) {
        ObjectNode response = JsonNodeFactory.instance.objectNode().put("jsonrpc", "2.0");
        if (error != null) response.set("error", error);
        else response.set("result", result);
        response.set("id", id == null ? JsonNodeFactory.instance.nullNode() : id);
        return response;
    }

    private void events(HttpExchange exchange) throws IOException {
        if (!hostAllowed(exchange)) {
            respond(exchange, 421, null);
            return;
        }
        if (!"/api/v1/events".equals(exchange.getRequestURI().getPath())) {
            respond(exchange, 404, null);
            return;
        }
        if (!"GET".equals(exchange.getRequestMethod())) {
            respond(exchange, 405, null);
            return;
        }
        String query = exchange.getRequestURI().getQuery();
        if (query != null && query.startsWith("account=") && !query.substring("account=".length()).equals(BOT_NUMBER)) {
            respond(exchange, 400, null);
            return;
        }
        exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
        exchange.sendResponseHeaders(200, 0);
        OutputStream out = exchange.getResponseBody();
        out.flush();
        OpenStream stream = new OpenStream(exchange);
        synchronized (lock) {
            if (stopping) {
                exchange.close();
                return;
            }
            streams.add(stream);
            eventStreamsOpened++;
        }
        try {
            while (true) {
                String next;
                synchronized (lock) {
                    if (pending.isEmpty() && !stream.dropped && !stopping) lock.wait(keepAliveMillis);
                    if (stream.dropped || stopping) break;
                    next = pending.pollFirst();
                    if (next == null) keepAlivesSent++;
                }
                // Upstream loses an event whose write fails (signal-cli has already acknowledged it).
                out.write((next == null ? ":\n" : next).getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
        } catch (IOException | InterruptedException e) {
            // the client went away
        } finally {
            synchronized (lock) {
                streams.remove(stream);
            }
            exchange.close();
        }
    }

    /** Upstream pins the Host header to the bound address (or localhost) and its port. */
    private boolean hostAllowed(HttpExchange exchange) {
        String host = exchange.getRequestHeaders().getFirst("Host");
        if (host == null) return false;
        int colon = host.lastIndexOf(':');
        String name = colon > 0 && !host.endsWith("]") ? host.substring(0, colon) : host;
        String port = colon > 0 && !host.endsWith("]") ? host.substring(colon + 1) : null;
        return Set.of("127.0.0.1", "localhost", "[::1]").contains(name.toLowerCase(Locale.ROOT))
                && (port == null || port.equals(Integer.toString(port())));
    }

    private void respond(HttpExchange exchange, int status, JsonNode body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
        } else {
            byte[] bytes = mapper.writeValueAsBytes(body);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    private static final class OpenStream {
        final HttpExchange exchange;
        boolean dropped;

        OpenStream(HttpExchange exchange) {
            this.exchange = exchange;
        }
    }

    private static final class RpcError extends Exception {
        final ObjectNode error;

        RpcError(ObjectNode error) {
            super(null, null, false, false);
            this.error = error;
        }
    }
}
