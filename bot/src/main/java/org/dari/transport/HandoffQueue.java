package org.dari.transport;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

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
