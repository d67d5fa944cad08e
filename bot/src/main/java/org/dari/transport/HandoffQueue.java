package org.dari.transport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Hands events from OkHttp's reader thread to a receive loop, in order. While it is full the
 * reader waits (backpressure: a slow bot slows the server down instead of dropping events), but
 * never past a stop.
 */
final class HandoffQueue<E> {
    private final BlockingQueue<E> events;
    private final StopSignal stop;

    HandoffQueue(int capacity, StopSignal stop) {
        this.events = new LinkedBlockingQueue<>(capacity);
        this.stop = stop;
    }

    /** The next event, or null if none came within {@code wait}. */
    E next(Duration wait) {
        try {
            return events.poll(wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return null;
        }
    }

    /**
     * The events already waiting at the head of the queue that {@code take} accepts, in order, up to
     * {@code max}; stops at the first it does not accept (left for {@link #next}) and never waits.
     * For the one thread that takes events.
     */
    List<E> takeReady(Predicate<? super E> take, int max) {
        List<E> out = new ArrayList<>();
        E head;
        while (out.size() < max && (head = events.peek()) != null && take.test(head)) out.add(events.poll());
        return out;
    }

    void put(E event) {
        try {
            while (!events.offer(event, 200, TimeUnit.MILLISECONDS)) {
                if (stop.stopped()) return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
