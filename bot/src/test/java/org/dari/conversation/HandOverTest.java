package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A hand-over's messages answered in time are stored with it and never journaled; those not
 * answered in time are journaled and answered once afterwards; a person's replies keep their order;
 * a store that fails is tried again with the same replies, never by answering again.
 */
class HandOverTest {
    private static final String PERSON = "5c0f7a1e-2b3d-4e6f-8a9b-0c1d2e3f4a5b";
    private static final String OTHER = "6d1e8b2f-3c4e-4f70-9bac-1d2e3f4a5b6c";
    private static final Reply PLAIN = Reply.of(List.of("answer"));
    private static final Reply ERASE = new Reply(List.of("erased"), List.of(), List.of(), true);
    @TempDir
    static Path dir;
    static TestConversations.Fixture fixture;

    @BeforeAll
    static void setUp() throws Exception {
        fixture = TestConversations.create(dir, ConversationTest.FACTS, Map.of(), (a, s) -> true);
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void onceOneOfHerMessagesIsLateHerLaterOnesAreLateTooAndOthersAreNot() {
        HandOver handOver = new HandOver(5);
        List<String> told = new ArrayList<>();
        assertTrue(handOver.answer(0, "her", PLAIN, id -> told.add("0:" + id)), "answered before anything else is late");
        assertFalse(handOver.answer(1, "her", ERASE, id -> told.add("1:" + id)), "an erasure always goes through the journal");
        assertFalse(handOver.answer(2, "her", PLAIN, id -> told.add("2:" + id)), "after her late erasure: late too");
        assertTrue(handOver.answer(3, "other", PLAIN, id -> told.add("3:" + id)), "someone else is not held back");
        handOver.close();
        assertFalse(handOver.answer(4, "other", PLAIN, id -> told.add("4:" + id)), "answered after the close: late");

        assertSame(PLAIN, handOver.inTimeReply(0));
        assertNull(handOver.inTimeReply(1));
        assertNull(handOver.inTimeReply(2));
        assertSame(PLAIN, handOver.inTimeReply(3));
        assertNull(handOver.inTimeReply(4));
        assertTrue(told.isEmpty(), "a late reply waits for its journal id");
        handOver.journaled(1, 11);
        handOver.journaled(2, 12);
        handOver.journaled(4, 14);
        assertEquals(List.of("1:11", "2:12", "4:14"), told);
    }

    /** What a hand-over holds can end up in a log line or an exception: it never prints what anyone wrote. */
    @Test
    void aReplyAndAnAnsweredMessagePrintNoTextAndNoNumber() {
        String canary = "CANARY-TEXT-7f3a";
        Reply reply = new Reply(List.of(canary), List.of(new org.dari.transport.OutboundMessage(OTHER, canary)),
                List.of(), false);
        MessageStore.Answered answered = new MessageStore.Answered(new InboundMessage(PERSON, canary, 1L, false), reply);
        for (String printed : List.of(reply.toString(), answered.toString())) {
            assertFalse(printed.contains(canary), printed);
            assertFalse(printed.contains(PERSON) || printed.contains(OTHER), printed);
        }
    }

    @Test
    void aMessageNotAnsweredWhenTheHandOverClosesIsLateAndToldItsIdAtOnceWhenAnsweredAfter() {
        HandOver handOver = new HandOver(2);
        assertTrue(handOver.answer(0, "her", PLAIN, id -> { }));
        handOver.close();
        assertNull(handOver.inTimeReply(1), "not answered by the close");
        handOver.journaled(1, 21);
        List<Long> told = new ArrayList<>();
        assertFalse(handOver.answer(1, "other", PLAIN, told::add));
        assertEquals(List.of(21L), told, "already journaled: told at once");
    }

    @Test
    void answersReadyInTimeAreStoredWithTheHandOverAndNeverJournaled() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        PipelineDeliveryTest.Recording transport = new PipelineDeliveryTest.Recording();
        try (PipelineDeliveryTest.Parts parts = parts(store, transport, 2, Duration.ofSeconds(20))) { // however slow the machine
            parts.pipeline.acceptAll(List.of(new InboundMessage(PERSON, "난민이 뭐예요", 1_000L, false),
                    new InboundMessage(OTHER, "hello", 1_001L, false)));
            assertEquals(1, store.answeringTries.size(), "one write for the hand-over");
            assertEquals(2, store.answeringTries.get(0).size(), "both answered in time");
            assertTrue(store.journalingTries.get(0).isEmpty(), "nothing journaled");
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertEquals(1, transport.to(OTHER));
            assertTrue(transport.to(PERSON) >= 1);
        }
    }

    /**
     * Her answer is not ready in time (every worker is busy): the hand-over journals her message
     * and returns; once answered, the reply is recorded against that entry, once.
     */
    @Test
    void aMessageNotAnsweredInTimeIsJournaledThenAnsweredOnce() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        PipelineDeliveryTest.Recording transport = new PipelineDeliveryTest.Recording();
        try (PipelineDeliveryTest.Parts parts = parts(store, transport, 1, Duration.ofMillis(20))) {
            CountDownLatch release = occupyTheOnlyWorker(parts);
            InboundMessage hers = new InboundMessage(PERSON, "hello", 2_000L, false);
            parts.pipeline.acceptAll(List.of(hers));
            assertEquals(List.of(hers), store.journalingTries.get(0), "journaled with the hand-over");
            assertTrue(store.answeringTries.get(0).isEmpty());
            assertEquals(1, store.pending().size(), "on disk before the hand-over returned");
            assertEquals(0, transport.to(PERSON));

            release.countDown();
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertTrue(store.pending().isEmpty(), "answered: the journal entry is gone");
            Thread.sleep(300); // time for a duplicate to show up
            assertEquals(1, transport.to(PERSON), "answered once");
        }
    }

    /**
     * The receiving thread is interrupted (a shutdown) while it waits for answers: the messages are
     * being answered, so the hand-over is stored all the same (here journaled, as nothing was answered
     * yet), and the thread keeps its interrupt.
     */
    @Test
    void anInterruptWhileWaitingForAnswersStillStoresTheHandOver() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        PipelineDeliveryTest.Recording transport = new PipelineDeliveryTest.Recording();
        try (PipelineDeliveryTest.Parts parts = parts(store, transport, 1, Duration.ofSeconds(20))) {
            CountDownLatch release = occupyTheOnlyWorker(parts);
            InboundMessage hers = new InboundMessage(PERSON, "hello", 4_000L, false);
            java.util.concurrent.atomic.AtomicBoolean keptInterrupt = new java.util.concurrent.atomic.AtomicBoolean();
            java.util.concurrent.atomic.AtomicReference<Throwable> failed = new java.util.concurrent.atomic.AtomicReference<>();
            Thread receiving = new Thread(() -> {
                try {
                    parts.pipeline.acceptAll(List.of(hers));
                    keptInterrupt.set(Thread.currentThread().isInterrupted());
                } catch (Throwable e) {
                    failed.set(e);
                }
            });
            receiving.start();
            PipelineDeliveryTest.await("waiting for the answer", () -> receiving.getState() == Thread.State.TIMED_WAITING);
            receiving.interrupt();
            receiving.join(10_000);
            assertNull(failed.get(), "the hand-over call did not fail");
            assertTrue(keptInterrupt.get(), "the interrupt is kept for the caller");
            assertEquals(1, store.pending().size(), "journaled all the same");
            release.countDown();
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertEquals(1, transport.to(PERSON), "answered once");
        }
    }

    /**
     * The store refuses the hand-over (busy, disk full): the messages are journaled instead and the
     * same replies recorded against them, never made again. Answering again could give another
     * reply (a session moved on) and a request for help sent twice.
     */
    @Test
    void aRefusedHandOverIsJournaledAndItsRepliesRecordedNotAnsweredAgain() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        PipelineDeliveryTest.Recording transport = new PipelineDeliveryTest.Recording();
        try (PipelineDeliveryTest.Parts parts = parts(store, transport, 2, Duration.ofSeconds(20))) {
            store.handOverFailuresLeft.set(1);
            parts.pipeline.acceptAll(List.of(new InboundMessage(PERSON, "hello", 3_000L, false)));
            assertEquals(1, store.answeringTries.size(), "refused once, not tried whole again");
            Reply made = store.answeringTries.get(0).get(0).reply();
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertEquals(1, store.completedReplies.size());
            assertSame(made, store.completedReplies.get(0), "the same reply: answered once");
            Thread.sleep(300);
            assertEquals(1, transport.to(PERSON), "sent once");
        }
    }

    /**
     * One reply the store can never take (here: any reply to her) must not stop everyone: the
     * hand-over returns, the others are answered, and her message stays journaled, retried alone.
     */
    @Test
    void aReplyTheStoreCannotTakeHoldsBackOnlyItsOwnPerson() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        PipelineDeliveryTest.Recording transport = new PipelineDeliveryTest.Recording();
        try (PipelineDeliveryTest.Parts parts = parts(store, transport, 2, Duration.ofSeconds(20))) {
            store.poisonSender = PERSON;
            Thread receiving = new Thread(() -> {
                try {
                    parts.pipeline.acceptAll(List.of(new InboundMessage(PERSON, "hello", 5_000L, false),
                            new InboundMessage(OTHER, "hello", 5_001L, false)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            receiving.start();
            receiving.join(10_000);
            assertFalse(receiving.isAlive(), "the hand-over returned: the transport goes on taking messages");
            PipelineDeliveryTest.await("the other answered", () -> transport.to(OTHER) == 1);
            assertEquals(0, transport.to(PERSON));
            assertEquals(1, store.pending().size(), "hers stays journaled, so a restart answers it");
        }
    }

    private static PipelineDeliveryTest.Parts parts(MessageStore store, PipelineDeliveryTest.Recording transport,
                                                    int threads, Duration answerWait) {
        return new PipelineDeliveryTest.Parts(fixture, store, transport, new Sessions(Duration.ofMinutes(30), 1000, Lang.KO),
                threads, answerWait.toNanos());
    }

    /** Keeps the pipeline's only worker busy until the latch is released. */
    private static CountDownLatch occupyTheOnlyWorker(PipelineDeliveryTest.Parts parts) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        parts.dispatcher.submit("someone busy", () -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return release;
    }
}
