package org.dari.conversation;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DispatcherTest {

    @Test
    void eachPersonsWorkRunsInOrderWhileDifferentPeopleRunConcurrently() throws Exception {
        int people = 20;
        int perPerson = 200;
        Map<String, List<Integer>> seen = new ConcurrentHashMap<>();
        try (Dispatcher dispatcher = new Dispatcher(8, 64)) {
            List<Thread> producers = new ArrayList<>();
            for (int p = 0; p < people; p++) {
                String person = "person-" + p;
                seen.put(person, Collections.synchronizedList(new ArrayList<>()));
                Thread t = new Thread(() -> {
                    for (int i = 0; i < perPerson; i++) {
                        int n = i;
                        try {
                            dispatcher.submit(person, () -> {
                                if (ThreadLocalRandom.current().nextInt(10) == 0) Thread.yield();
                                seen.get(person).add(n);
                            });
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                });
                producers.add(t);
                t.start();
            }
            for (Thread t : producers) t.join();
            assertTrue(dispatcher.awaitIdle(30, TimeUnit.SECONDS));
        }
        for (var e : seen.entrySet()) {
            List<Integer> order = e.getValue();
            assertEquals(perPerson, order.size(), e.getKey());
            for (int i = 0; i < perPerson; i++) assertEquals(i, order.get(i), e.getKey() + " out of order");
        }
    }

    @Test
    void differentPeopleRunAtTheSameTime() throws Exception {
        java.util.concurrent.CyclicBarrier meet = new java.util.concurrent.CyclicBarrier(2);
        AtomicInteger met = new AtomicInteger();
        try (Dispatcher dispatcher = new Dispatcher(4, 10)) {
            for (String person : List.of("a", "b")) {
                dispatcher.submit(person, () -> {
                    try {
                        meet.await(5, TimeUnit.SECONDS);
                        met.incrementAndGet();
                    } catch (Exception e) {
                        // a timeout here means the two never ran together
                    }
                });
            }
            assertTrue(dispatcher.awaitIdle(10, TimeUnit.SECONDS));
        }
        assertEquals(2, met.get(), "both people's tasks were running at once");
    }

    @Test
    void onePersonsTasksNeverOverlap() throws Exception {
        AtomicInteger running = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        try (Dispatcher dispatcher = new Dispatcher(4, 100)) {
            for (int i = 0; i < 50; i++) {
                dispatcher.submit("same", () -> {
                    if (running.incrementAndGet() > 1) overlaps.incrementAndGet();
                    try {
                        Thread.sleep(1);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    running.decrementAndGet();
                });
            }
            assertTrue(dispatcher.awaitIdle(10, TimeUnit.SECONDS));
        }
        assertEquals(0, overlaps.get());
    }

    @Test
    void aFailingTaskDoesNotStopThatPersonsLaterWork() throws Exception {
        CountDownLatch later = new CountDownLatch(1);
        try (Dispatcher dispatcher = new Dispatcher(2, 10)) {
            dispatcher.submit("p", () -> {
                throw new IllegalStateException("boom");
            });
            dispatcher.submit("p", later::countDown);
            assertTrue(later.await(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void aFullDispatcherMakesTheProducerWaitInsteadOfGrowing() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (Dispatcher dispatcher = new Dispatcher(1, 2)) {
            dispatcher.submit("a", () -> awaitQuietly(release));
            dispatcher.submit("b", () -> { });
            Thread producer = new Thread(() -> {
                try {
                    dispatcher.submit("c", () -> { });
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            producer.start();
            producer.join(300);
            assertTrue(producer.isAlive(), "the third submit waits while two are pending");
            assertEquals(2, dispatcher.pending());
            release.countDown();
            producer.join(5_000);
            assertTrue(dispatcher.awaitIdle(5, TimeUnit.SECONDS));
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
