package org.dari.transport;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Tells loops to stop, and lets their pauses end early when they should. */
final class StopSignal {
    private final CountDownLatch latch = new CountDownLatch(1);

    void stop() {
        latch.countDown();
    }

    boolean stopped() {
        return latch.getCount() == 0;
    }

    /**
     * Waits for {@code pause}; returns false if the loop should stop instead of
     * going on. Stopping is signalled only through {@link #stop()}: an interrupt
     * merely ends the pause early.
     */
    boolean pause(Duration pause) {
        if (pause.isZero() || pause.isNegative()) return !stopped();
        try {
            return !latch.await(pause.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            return !stopped();
        }
    }
}
