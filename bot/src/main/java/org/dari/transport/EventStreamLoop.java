package org.dari.transport;

import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.sse.EventSource;
import okhttp3.sse.EventSources;
import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The one background loop that receives from signal-cli's daemon: keeps
 * {@code GET /api/v1/events} open and hands the data of every {@code receive}
 * event to the pipeline, in order. A stream that ends, fails or stays silent
 * longer than {@link SignalCliConfig#eventsSilence()} (the daemon writes a
 * keep-alive comment every 15 s) is opened again: at once if it had been up for
 * a while or had carried a message, else after a growing pause with jitter. Ends only when the
 * {@link StopSignal} fires.
 */
final class EventStreamLoop implements ReceiverThread.Loop {
    private static final SafeLog LOG = SafeLog.of(EventStreamLoop.class);
    static final int EVENT_QUEUE_CAPACITY = 10_000;
    private static final Duration QUEUE_WAIT = Duration.ofMillis(200);
    /** The event name under which the daemon sends a received message ({@code HttpServerHandler}). */
    static final String RECEIVE_EVENT = "receive";

    private final SignalCliConfig config;
    private final EventSource.Factory streams;
    private final InboundPipeline pipeline;
    private final SignalCounters counters;
    private final StopSignal stop;
    private final Backoff backoff;
    private volatile EventSource current;

    EventStreamLoop(SignalCliConfig config, OkHttpClient client, InboundPipeline pipeline, SignalCounters counters, StopSignal stop) {
        OkHttpClient streamClient = client.newBuilder()
                .readTimeout(config.eventsSilence())
                .callTimeout(Duration.ZERO)
                .retryOnConnectionFailure(false)
                .build();
        this.config = config;
        this.streams = EventSources.createFactory(streamClient);
        this.pipeline = pipeline;
        this.counters = counters;
        this.stop = stop;
        this.backoff = new Backoff(config.minBackoff(), config.maxBackoff());
    }

    @Override
    public void run() {
        LOG.info("signal.events.started");
        while (!stop.stopped()) {
            try {
                EventStreamSession session = new EventStreamSession(EVENT_QUEUE_CAPACITY, stop);
                EventSource source = streams.newEventSource(new Request.Builder().url(config.eventsUrl()).get().build(), session);
                current = source;
                if (stop.stopped()) {
                    source.cancel();
                    break;
                }
                EventStreamSession.Ended end = drain(session);
                source.cancel();
                if (end == null || stop.stopped()) break;
                counters.reconnects.incrementAndGet();
                LOG.warn("signal.events.ended", "status", end.httpStatus(), "error", end.error(), "retries", backoff.failures());
            } catch (RuntimeException | Error e) {
                if (InboundPipeline.fatal(e)) throw e;
                LOG.error("signal.events.loop_error", "error", SafeLog.kind(e));
            }
            if (!stop.pause(backoff.next())) break;
        }
        LOG.info("signal.events.stopped");
    }

    /** Ends an open stream at once; called after the stop signal. */
    @Override
    public void cancel() {
        EventSource source = current;
        if (source != null) source.cancel();
    }

    /** Handles one stream's events until it ends; null if stopped first. */
    private EventStreamSession.Ended drain(EventStreamSession session) {
        long openedAt = -1;
        boolean carriedMessage = false;
        while (!stop.stopped()) {
            EventStreamSession.Event event = session.next(QUEUE_WAIT);
            if (event == null) continue;
            if (event instanceof EventStreamSession.Received received) {
                if (RECEIVE_EVENT.equals(received.type())) {
                    // messages that came meanwhile are journaled with it, in one commit
                    List<String> messages = new ArrayList<>();
                    messages.add(received.data());
                    messages.addAll(session.readyData(RECEIVE_EVENT, InboundPipeline.MAX_BATCH - 1));
                    pipeline.acceptJsonAll(messages);
                    carriedMessage = true;
                } else {
                    counters.received.incrementAndGet();
                    counters.malformed.incrementAndGet();
                    LOG.warn("signal.events.unknown_event");
                }
            } else if (event instanceof EventStreamSession.Oversized) {
                pipeline.oversized(InboundPipeline.Source.EVENTS);
            } else if (event instanceof EventStreamSession.Opened) {
                openedAt = System.nanoTime();
                LOG.info("signal.events.open");
            } else if (event instanceof EventStreamSession.Ended end) {
                // healthy if it stayed up a while or carried a message: the next one opens at once
                boolean wasUp = openedAt >= 0
                        && (carriedMessage || System.nanoTime() - openedAt >= config.minBackoff().toNanos());
                if (wasUp) backoff.reset();
                return end;
            }
        }
        return null;
    }
}
