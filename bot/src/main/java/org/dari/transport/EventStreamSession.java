package org.dari.transport;

import okhttp3.Response;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSourceListener;
import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.List;

/**
 * One open server-sent event stream. OkHttp's reader thread puts what happens
 * into a bounded queue; the receive loop takes it out in order. While the queue
 * is full the reader stops reading, so a slow bot slows signal-cli down instead
 * of dropping events. Keep-alive comments never reach the queue (OkHttp's SSE
 * reader skips comment lines).
 */
final class EventStreamSession extends EventSourceListener {

    sealed interface Event permits Opened, Received, Oversized, Ended {
    }

    record Opened() implements Event {
    }

    /** One event: its name ({@code receive} for messages) and its data. */
    record Received(String type, String data) implements Event {
        @Override
        public String toString() {
            return "Received[type=" + (type == null ? "none" : "set") + ", redacted]";
        }
    }

    /** An event over {@link InboundPipeline#MAX_EVENT_CHARS}: its data is not kept. */
    record Oversized() implements Event {
    }

    /** The stream is over: the HTTP status and error kind of a failure, or 0 and null if it simply ended. */
    record Ended(int httpStatus, SafeLog.ErrorKind error) implements Event {
    }

    private final HandoffQueue<Event> events;

    EventStreamSession(int capacity, StopSignal stop) {
        this.events = new HandoffQueue<>(capacity, stop);
    }

    /** The data of the events of {@code type} already waiting, in order, up to {@code max}; never waits. */
    List<String> readyData(String type, int max) {
        return events.takeReady(e -> e instanceof Received r && type.equals(r.type()), max).stream()
                .map(e -> ((Received) e).data()).toList();
    }

    /** The next event, or null if none came within {@code wait}. */
    Event next(Duration wait) {
        return events.next(wait);
    }

    @Override
    public void onOpen(EventSource eventSource, Response response) {
        put(new Opened());
    }

    @Override
    public void onEvent(EventSource eventSource, String id, String type, String data) {
        put(data != null && data.length() > InboundPipeline.MAX_EVENT_CHARS ? new Oversized() : new Received(type, data));
    }

    @Override
    public void onClosed(EventSource eventSource) {
        put(new Ended(0, null));
    }

    @Override
    public void onFailure(EventSource eventSource, Throwable t, Response response) {
        put(new Ended(response == null ? 0 : response.code(), t == null ? null : SafeLog.kind(t)));
    }

    private void put(Event event) {
        events.put(event);
    }
}
