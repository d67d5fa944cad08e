package org.dari.transport;

import okhttp3.OkHttpClient;
import org.dari.log.SafeLog;

import java.time.Duration;
import java.util.function.Supplier;

/**
 * The one background thread a Signal transport receives on: started at most once, stopped once,
 * and the transport's HTTP client freed with it. Shared by both transports.
 */
final class ReceiverThread {
    /** A receive loop that can be told to stop waiting on the network. */
    interface Loop extends Runnable {
        void cancel();
    }

    private static final SafeLog LOG = SafeLog.of(ReceiverThread.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private final String name;
    private final StopSignal stop;
    private final OkHttpClient http;
    private final SignalCounters counters;
    private final Object lifecycle = new Object();
    private Loop loop;
    private Thread thread;
    private boolean started;
    private boolean closed;

    ReceiverThread(String name, StopSignal stop, OkHttpClient http, SignalCounters counters) {
        this.name = name;
        this.stop = stop;
        this.http = http;
        this.counters = counters;
    }

    void start(Supplier<Loop> newLoop) {
        synchronized (lifecycle) {
            if (closed) throw new IllegalStateException("transport is closed");
            if (started) throw new IllegalStateException("transport already started");
            started = true;
            loop = newLoop.get();
            thread = new Thread(loop, name);
            thread.setDaemon(true);
            // The default handler would print the throwable's message, which may hold user data.
            thread.setUncaughtExceptionHandler((t, e) -> LOG.error("signal.receive.crashed", "error", SafeLog.kind(e)));
            thread.start();
        }
    }

    void close() {
        Loop runningLoop;
        Thread running;
        synchronized (lifecycle) {
            if (closed) return;
            closed = true;
            runningLoop = loop;
            running = thread;
        }
        stop.stop();
        if (runningLoop != null) runningLoop.cancel();
        if (running != null && running != Thread.currentThread()) {
            try {
                running.join(CLOSE_WAIT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (running.isAlive()) LOG.warn("signal.transport.receiver_still_running");
        }
        http.dispatcher().cancelAll();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
        LOG.info("signal.transport.closed", "abandoned", counters.abandoned.get());
    }
}
