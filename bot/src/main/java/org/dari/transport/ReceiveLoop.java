package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import okhttp3.Call;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.ResponseBody;
import okhttp3.WebSocket;
import okio.BufferedSource;
import org.dari.log.SafeLog;
import org.dari.transport.SignalConfig.ReceiveMode;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one background loop that receives: finds out the server's mode, then
 * polls or listens on the websocket, and hands every event to the pipeline in
 * order. Survives any failure of the server or the network by retrying with
 * backoff; ends only when the {@link StopSignal} fires.
 */
final class ReceiveLoop implements ReceiverThread.Loop {
    private static final SafeLog LOG = SafeLog.of(ReceiveLoop.class);
    /** Our own pings find a dead connection; the server pings every 54 s. */
    static final Duration PING_INTERVAL = Duration.ofSeconds(30);
    static final int FRAME_QUEUE_CAPACITY = 10_000;
    private static final Duration QUEUE_WAIT = Duration.ofMillis(200);

    private final SignalConfig config;
    private final OkHttpClient client;
    private final OkHttpClient pollClient;
    private final OkHttpClient socketClient;
    private final SignalEndpoints endpoints;
    private final ObjectMapper mapper;
    private final InboundPipeline pipeline;
    private final SignalCounters counters;
    private final StopSignal stop;
    private final Backoff backoff;
    private volatile Call currentCall;
    private volatile WebSocket currentSocket;

    ReceiveLoop(SignalConfig config, OkHttpClient client, SignalEndpoints endpoints, ObjectMapper mapper,
                InboundPipeline pipeline, SignalCounters counters, StopSignal stop) {
        this.config = config;
        this.client = client;
        this.pollClient = client.newBuilder()
                .readTimeout(config.readTimeout().plusSeconds(config.pollTimeoutSeconds()))
                .build();
        this.socketClient = client.newBuilder().pingInterval(PING_INTERVAL).build();
        this.endpoints = endpoints;
        this.mapper = mapper;
        this.pipeline = pipeline;
        this.counters = counters;
        this.stop = stop;
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
    }

    @Override
    public void run() {
        LOG.info("signal.receive.started", "configured", config.receiveMode());
        while (!stop.stopped()) {
            try {
                ReceiveMode mode = config.receiveMode() == ReceiveMode.AUTO ? detectMode() : config.receiveMode();
                if (mode == null) break;
                if (counters.mode.getAndSet(mode) != mode) LOG.info("signal.receive.mode", "mode", mode);
                if (mode == ReceiveMode.WEBSOCKET) listen();
                else poll();
            } catch (RuntimeException | Error e) {
                if (InboundPipeline.fatal(e)) throw e;
                LOG.error("signal.receive.loop_error", "error", SafeLog.kind(e));
                if (!stop.pause(backoff.next())) break;
            }
        }
        LOG.info("signal.receive.stopped");
    }

    /** Ends a blocking poll or an open websocket at once; called after the stop signal. */
    @Override
    public void cancel() {
        Call call = currentCall;
        if (call != null) call.cancel();
        WebSocket socket = currentSocket;
        if (socket != null) socket.cancel();
    }

    /** Asks {@code GET /v1/about} until it answers; null if stopped first. */
    private ReceiveMode detectMode() {
        while (!stop.stopped()) {
            Call call = track(client.newCall(new Request.Builder().url(endpoints.about()).get().build()));
            if (call == null) return null;
            try (Response response = call.execute()) {
                if (response.isSuccessful()) {
                    ReceiveMode mode = modeOf(readJson(response.body()));
                    if (mode != null) return mode;
                    LOG.warn("signal.about.unreadable");
                } else {
                    LOG.warn("signal.about.failed", "status", response.code());
                }
            } catch (IOException e) {
                if (stop.stopped()) return null;
                LOG.warn("signal.about.failed", "error", SafeLog.kind(e));
            }
            counters.reconnects.incrementAndGet();
            if (!stop.pause(backoff.next())) return null;
        }
        return null;
    }

    /** normal/native: polling; json-rpc/json-rpc-native: websocket; a readable answer without a known mode: polling. */
    private static ReceiveMode modeOf(JsonNode about) {
        if (about == null || !about.isObject()) return null;
        String mode = about.path("mode").asText("");
        if (mode.startsWith("json-rpc")) return ReceiveMode.WEBSOCKET;
        if (!mode.equals("normal") && !mode.equals("native")) LOG.warn("signal.about.unknown_mode");
        return ReceiveMode.POLL;
    }

    private JsonNode readJson(ResponseBody body) {
        try {
            return body == null ? null : mapper.readTree(body.string());
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Polls until stopped, or until a 400 in AUTO mode says the server may have turned to json-rpc. */
    private void poll() {
        while (!stop.stopped()) {
            Call call = track(pollClient.newCall(new Request.Builder()
                    .url(endpoints.receive(config.pollTimeoutSeconds())).get().build()));
            if (call == null) return;
            int status;
            String body = null;
            boolean oversized = false;
            try (Response response = call.execute()) {
                status = response.code();
                if (status == 200 && response.body() != null) {
                    BufferedSource source = response.body().source();
                    // read no more than the cap (plus one byte to tell): a huge answer never fills the heap
                    oversized = source.request(InboundPipeline.MAX_POLL_BYTES + 1);
                    if (!oversized) body = source.readUtf8();
                }
            } catch (IOException e) {
                if (stop.stopped()) return;
                counters.reconnects.incrementAndGet();
                LOG.warn("signal.poll.failed", "error", SafeLog.kind(e), "retries", backoff.failures());
                if (!stop.pause(backoff.next())) return;
                continue;
            }
            if (oversized) {
                pipeline.oversized(InboundPipeline.Source.POLL);
                continue;
            }
            if (body != null) {
                backoff.reset();
                pipeline.acceptBatch(body);
                continue;
            }
            counters.reconnects.incrementAndGet();
            LOG.warn("signal.poll.rejected", "status", status, "retries", backoff.failures());
            if (!stop.pause(backoff.next())) return;
            if (status == 400 && config.receiveMode() == ReceiveMode.AUTO) return;
        }
    }

    /**
     * Keeps a websocket open until stopped. A lost connection is retried at
     * once if it had been up for a while, else after a growing pause. In AUTO
     * mode every reconnect first asks /v1/about again (the server may have
     * changed mode; a plain GET on a normal-mode server would take messages).
     */
    private void listen() {
        while (!stop.stopped()) {
            WebSocketSession session = new WebSocketSession(FRAME_QUEUE_CAPACITY, stop);
            WebSocket socket = socketClient.newWebSocket(new Request.Builder().url(endpoints.receiveSocket()).build(), session);
            currentSocket = socket;
            if (stop.stopped()) {
                socket.cancel();
                return;
            }
            WebSocketSession.Ended end = drain(session);
            socket.cancel();
            if (end == null || stop.stopped()) return;
            counters.reconnects.incrementAndGet();
            LOG.warn("signal.websocket.ended", "code", end.closeCode(), "status", end.httpStatus(), "error", end.error(),
                    "retries", backoff.failures());
            if (!stop.pause(backoff.next())) return;
            if (config.receiveMode() == ReceiveMode.AUTO) return;
        }
    }

    /** Handles one connection's events until it ends; null if stopped first. */
    private WebSocketSession.Ended drain(WebSocketSession session) {
        long openedAt = -1;
        boolean carriedMessage = false;
        while (!stop.stopped()) {
            WebSocketSession.Event event = session.next(QUEUE_WAIT);
            if (event == null) continue;
            if (event instanceof WebSocketSession.Frame frame) {
                // frames that came meanwhile are journaled with it, in one commit
                List<String> frames = new ArrayList<>();
                frames.add(frame.text());
                frames.addAll(session.readyFrames(InboundPipeline.MAX_BATCH - 1));
                pipeline.acceptJsonAll(frames);
                carriedMessage = true;
            } else if (event instanceof WebSocketSession.Opened) {
                openedAt = System.nanoTime();
                LOG.info("signal.websocket.open");
            } else if (event instanceof WebSocketSession.Oversized) {
                pipeline.oversized(InboundPipeline.Source.WEBSOCKET);
            } else if (event instanceof WebSocketSession.BinaryFrame) {
                counters.received.incrementAndGet();
                counters.malformed.incrementAndGet();
                LOG.warn("signal.receive.malformed", "binary", true);
            } else if (event instanceof WebSocketSession.Ended end) {
                // healthy if it stayed up a while or carried a message: the next one opens at once
                boolean wasUp = openedAt >= 0
                        && (carriedMessage || System.nanoTime() - openedAt >= config.minBackoff().toNanos());
                if (wasUp) backoff.reset();
                return end;
            }
        }
        return null;
    }

    /** Remembers the call so that {@link #cancel()} can end it; null (and cancelled) if already stopped. */
    private Call track(Call call) {
        currentCall = call;
        if (stop.stopped()) {
            call.cancel();
            return null;
        }
        return call;
    }
}
