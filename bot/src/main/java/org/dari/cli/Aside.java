package org.dari.cli;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * Something a start makes on a thread of its own while the store opens (the organisation registry's
 * checks, the knowledge service); {@link #get} waits for it and throws what the work threw.
 */
final class Aside<T> {
    interface Work<T> {
        T make() throws IOException, Main.UsageException;
    }

    private final CompletableFuture<T> future;

    private Aside(CompletableFuture<T> future) {
        this.future = future;
    }

    static <T> Aside<T> start(String threadName, Work<T> work) {
        return new Aside<>(CompletableFuture.supplyAsync(() -> {
            try {
                return work.make();
            } catch (IOException | Main.UsageException e) {
                throw new CompletionException(e);
            }
        }, task -> {
            Thread t = new Thread(task, threadName);
            t.setDaemon(true);
            t.start();
        }));
    }

    static <T> Aside<T> done(T value) {
        return new Aside<>(CompletableFuture.completedFuture(value));
    }

    T get() throws IOException, Main.UsageException {
        try {
            return future.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof Main.UsageException u) throw u;
            if (cause instanceof IOException io) throw io;
            if (cause instanceof RuntimeException r) throw r;
            if (cause instanceof Error err) throw err;
            throw e;
        }
    }
}
