package org.dari.transport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Takes raw events from a receive loop and hands real messages to the sink:
 * parse, delete attachments, drop duplicates, deliver with retries. Called by
 * one receive thread at a time, so messages keep their order. Never throws.
 */
final class InboundPipeline {
    private static final SafeLog LOG = SafeLog.of(InboundPipeline.class);
    /** One event (a websocket frame, a server-sent event, one poll item): far above any real message. */
    static final int MAX_EVENT_CHARS = 256 * 1024;
    /** Messages stored in one commit, at most (a poll answer is taken whole). */
    static final int MAX_BATCH = 256;
    /** One poll answer. */
    static final long MAX_POLL_BYTES = 8L * 1024 * 1024;

    /** Where an oversized input came from, for the log. */
    enum Source { POLL, WEBSOCKET, EVENTS }

    /** Deletes one attachment on the server; best effort. */
    @FunctionalInterface
    interface AttachmentRemover {
        void delete(String attachmentId);
    }

    private final ObjectMapper mapper;
    private final EnvelopeParser parser;
    private final DuplicateFilter duplicates;
    private final AttachmentRemover attachments;
    private final InboundSink sink;
    private final SignalCounters counters;
    private final StopSignal stop;
    private final Backoff sinkBackoff;

    InboundPipeline(ObjectMapper mapper, EnvelopeParser parser, DuplicateFilter duplicates, AttachmentRemover attachments,
                    InboundSink sink, SignalCounters counters, StopSignal stop, Duration minBackoff, Duration maxBackoff) {
        this.mapper = mapper;
        this.parser = parser;
        this.duplicates = duplicates;
        this.attachments = attachments;
        this.sink = sink;
        this.counters = counters;
        this.stop = stop;
        this.sinkBackoff = new Backoff(minBackoff, maxBackoff);
    }

    /** A poll answer: a JSON array of events, possibly damaged. */
    void acceptBatch(String body) {
        JsonArraySplitter.Split split = JsonArraySplitter.split(body);
        if (split.garbage() > 0) {
            counters.malformed.addAndGet(split.garbage());
            LOG.warn("signal.receive.garbage_skipped", "count", split.garbage());
        }
        acceptJsonAll(split.objects());
    }

    /**
     * Several events as JSON text, in the order received (a poll answer's elements, or websocket
     * frames or server-sent events that were already waiting): one commit for all the
     * messages among them (answered, or journaled if their answer is not ready in time).
     */
    void acceptJsonAll(List<String> jsons) {
        List<InboundMessage> batch = new ArrayList<>();
        for (String json : jsons) {
            JsonNode event = readJson(json);
            InboundMessage m = event == null ? null : firstTimeMessage(event);
            if (m != null) batch.add(m);
        }
        if (!batch.isEmpty()) deliver(batch);
    }

    /** An input over its size limit: dropped, counted and logged, never parsed. */
    void oversized(Source source) {
        counters.received.incrementAndGet();
        counters.malformed.incrementAndGet();
        LOG.warn("signal.receive.oversized_dropped", "source", source);
    }

    /** The event as JSON, or null if it is oversized or no JSON (counted and logged). */
    private JsonNode readJson(String json) {
        if (json.length() > MAX_EVENT_CHARS) {
            oversized(Source.POLL);
            return null;
        }
        try {
            return mapper.readTree(json);
        } catch (Exception e) {
            counters.received.incrementAndGet();
            malformed(e);
            return null;
        }
    }

    /** The message an event carries, if it is one not seen before; null otherwise (counted and logged). */
    private InboundMessage firstTimeMessage(JsonNode event) {
        counters.received.incrementAndGet();
        ParsedEvent parsed;
        try {
            parsed = parser.parse(event);
        } catch (RuntimeException e) {
            malformed(e);
            return null;
        }
        if (parsed.hadException()) {
            counters.exceptions.incrementAndGet();
            LOG.warn("signal.receive.exception_event");
        }
        for (String id : parsed.attachmentIds()) deleteQuietly(id);
        switch (parsed.outcome()) {
            case DELIVER -> {
                return firstTime(parsed.message()) ? parsed.message() : null;
            }
            case IGNORE -> {
                counters.ignored(parsed.ignoredAs());
                LOG.debug("signal.receive.ignored", "kind", parsed.ignoredAs());
            }
            case ERROR_FRAME -> {
                counters.errorFrames.incrementAndGet();
                LOG.warn("signal.receive.error_frame");
            }
            case MALFORMED -> malformed(null);
        }
        return null;
    }

    private boolean firstTime(InboundMessage message) {
        if (!duplicates.firstTime(message.sender(), message.timestamp())) {
            counters.duplicates.incrementAndGet();
            LOG.debug("signal.receive.duplicate");
            return false;
        }
        return true;
    }

    /**
     * Several messages from one poll answer: a sink that can journal them in one commit gets them
     * together (all or none); if that fails, or the sink takes one at a time, each is offered alone
     * and in order, as before.
     */
    private void deliver(List<InboundMessage> messages) {
        if (messages.size() > 1 && sink instanceof BatchSink batches) {
            try {
                batches.acceptAll(messages);
                counters.delivered.addAndGet(messages.size());
                LOG.debug("signal.receive.delivered_batch", "messages", messages.size());
                return;
            } catch (Throwable e) {
                if (fatal(e)) throw (Error) e;
                counters.sinkFailures.incrementAndGet();
                LOG.warn("signal.receive.sink_failed", "error", SafeLog.kind(e), "messages", messages.size());
            }
        }
        for (InboundMessage m : messages) deliver(m);
    }

    /** The message is already off the server: keep offering it until the sink takes it or we are closed. */
    private void deliver(InboundMessage message) {
        sinkBackoff.reset();
        while (!stop.stopped()) {
            try {
                sink.accept(message);
                counters.delivered.incrementAndGet();
                LOG.debug("signal.receive.delivered", "attachments", message.hadAttachments());
                return;
            } catch (Throwable e) {
                if (fatal(e)) throw (Error) e;
                counters.sinkFailures.incrementAndGet();
                LOG.warn("signal.receive.sink_failed", "error", SafeLog.kind(e), "retries", sinkBackoff.failures());
            }
            if (!stop.pause(sinkBackoff.next())) break;
        }
        counters.abandoned.incrementAndGet();
        LOG.error("signal.receive.delivery_abandoned");
    }

    private void deleteQuietly(String attachmentId) {
        try {
            attachments.delete(attachmentId);
        } catch (RuntimeException e) {
            counters.attachmentDeleteFailures.incrementAndGet();
            LOG.warn("signal.attachment.delete_failed", "error", SafeLog.kind(e));
        }
    }

    /** Errors after which going on makes no sense; everything else a sink throws is retried. */
    static boolean fatal(Throwable t) {
        return t instanceof VirtualMachineError && !(t instanceof StackOverflowError);
    }

    private void malformed(Exception e) {
        counters.malformed.incrementAndGet();
        LOG.warn("signal.receive.malformed", "error", SafeLog.kind(e));
    }
}
