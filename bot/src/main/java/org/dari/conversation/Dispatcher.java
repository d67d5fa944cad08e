package org.dari.conversation;

import org.dari.log.SafeLog;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs each person's work in the order it arrived, and different people's work
 * at the same time on a bounded pool. One task per turn keeps a busy person from
 * holding a worker while others wait. When {@code maxPending} tasks wait,
 * {@link #submit} blocks: the transport then stops taking messages off the
 * server, where they wait safely, instead of the bot's memory growing.
 */
public final class Dispatcher implements AutoCloseable {
    private static final SafeLog LOG = SafeLog.of(Dispatcher.class);

    private final ExecutorService pool;
    private final Semaphore capacity;
    private final Map<String, Deque<Runnable>> lanes = new HashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Object idle = new Object();

    public Dispatcher(int threads, int maxPending) {
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "dari-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.capacity = new Semaphore(maxPending);
    }

    /** Queues work for one person; blocks while the dispatcher is full. */
    public void submit(String laneKey, Runnable task) throws InterruptedException {
        capacity.acquire();
        inFlight.incrementAndGet();
        boolean start;
        synchronized (lanes) {
            Deque<Runnable> lane = lanes.get(laneKey);
            start = lane == null;
            if (start) {
                lane = new ArrayDeque<>();
                lanes.put(laneKey, lane);
            }
            lane.addLast(task);
        }
        if (start) pool.execute(() -> runNext(laneKey));
    }

    private void runNext(String laneKey) {
        Runnable task;
        synchronized (lanes) {
            task = lanes.get(laneKey).peekFirst();
        }
        try {
            task.run();
        } catch (RuntimeException | Error e) {
            LOG.error("dispatcher.task_failed", "error", SafeLog.kind(e));
        } finally {
            boolean more;
            synchronized (lanes) {
                Deque<Runnable> lane = lanes.get(laneKey);
                lane.pollFirst();
                more = !lane.isEmpty();
                if (!more) lanes.remove(laneKey);
            }
            capacity.release();
            if (inFlight.decrementAndGet() == 0) {
                synchronized (idle) {
                    idle.notifyAll();
                }
            }
            if (more) pool.execute(() -> runNext(laneKey));
        }
    }

    /** Waits until no task is queued or running; false on timeout. */
    public boolean awaitIdle(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (idle) {
            while (inFlight.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) return false;
                TimeUnit.NANOSECONDS.timedWait(idle, left);
            }
        }
        return true;
    }

    public int pending() {
        return inFlight.get();
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(10, TimeUnit.SECONDS)) pool.shutdownNow();
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
