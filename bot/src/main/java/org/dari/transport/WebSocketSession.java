package org.dari.transport;

import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;
import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.List;

/**
 * One websocket connection. OkHttp's reader thread puts what happens into a
 * bounded queue; the receive loop takes it out in order. Keeping the reader
 * thread free of slow work lets it answer the server's pings.
 */
final class WebSocketSession extends WebSocketListener {

    sealed interface Event permits Opened, Frame, BinaryFrame, Oversized, Ended {
    }

    record Opened() implements Event {
    }

    record Frame(String text) implements Event {
        @Override
        public String toString() {
            return "Frame[redacted]";
        }
    }

    record BinaryFrame() implements Event {
    }

    /** A frame over {@link InboundPipeline#MAX_EVENT_CHARS}: its text is not kept. */
    record Oversized() implements Event {
    }

    /** The connection is over: a close code, or the HTTP status / error kind of a failure. */
    record Ended(int closeCode, int httpStatus, SafeLog.ErrorKind error) implements Event {
    }

    private final HandoffQueue<Event> events;

    WebSocketSession(int capacity, StopSignal stop) {
        this.events = new HandoffQueue<>(capacity, stop);
    }

    /** The next event, or null if none came within {@code wait}. */
    Event next(Duration wait) {
        return events.next(wait);
    }

    /** The text frames already waiting, in order, up to {@code max}; never waits. */
    List<String> readyFrames(int max) {
        return events.takeReady(e -> e instanceof Frame, max).stream().map(e -> ((Frame) e).text()).toList();
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
        put(new Opened());
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
        put(text.length() > InboundPipeline.MAX_EVENT_CHARS ? new Oversized() : new Frame(text));
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
        put(new BinaryFrame());
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
        webSocket.close(1000, null);
        put(new Ended(code, 0, null));
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
        put(new Ended(code, 0, null));
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
        put(new Ended(0, response == null ? 0 : response.code(), SafeLog.kind(t)));
    }

    private void put(Event event) {
        events.put(event);
    }
}
