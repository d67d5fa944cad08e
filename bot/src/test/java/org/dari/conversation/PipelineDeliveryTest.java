package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Ticker;
import org.dari.knowledge.Lang;
import org.dari.safety.RateLimiter;
import org.dari.transport.FakeSignalCliDaemon;
import org.dari.transport.InboundMessage;
import org.dari.transport.InboundSink;
import org.dari.transport.OutboundMessage;
import org.dari.transport.SignalCliConfig;
import org.dari.transport.SignalCliTransport;
import org.dari.transport.Transport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The delivery side of the pipeline: a failing store loses nothing, and idle expiry makes signal-cli forget. */
class PipelineDeliveryTest {
    private static final String PERSON = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    private static final String OTHER = "9d1c2b3a-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
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

    static class Recording implements Transport {
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final List<String> forgotten = new CopyOnWriteArrayList<>();

        @Override
        public void forgetReceived(String sender) {
            forgotten.add(sender);
        }

        @Override
        public void start(InboundSink sink) {
        }

        @Override
        public void send(OutboundMessage message) {
            sent.add(message);
        }

        @Override
        public void close() {
        }

        long to(String recipient) {
            return sent.stream().filter(m -> m.recipient().equals(recipient)).count();
        }
    }

    /** A pipeline with its dispatcher and delivery over the given store and transport. */
    static final class Parts implements AutoCloseable {
        final Dispatcher dispatcher;
        final Delivery delivery;
        final Pipeline pipeline;

        Parts(MessageStore store, Transport transport, Sessions sessions) {
            this(fixture, store, transport, sessions, 2, Pipeline.ANSWER_WAIT_NANOS);
        }

        Parts(TestConversations.Fixture fixture, MessageStore store, Transport transport, Sessions sessions,
              int threads, long answerWaitNanos) {
            dispatcher = new Dispatcher(threads, 100);
            delivery = new Delivery(store, transport, Duration.ZERO, a -> Optional.empty(), fixture.personKey(), "notice");
            pipeline = new Pipeline(store, dispatcher, fixture.conversation(), sessions,
                    new RateLimiter(100, 100, Clock.systemUTC()), fixture.messages(), delivery, fixture.personKey(),
                    Pipeline.Listener.NONE, answerWaitNanos);
            delivery.start();
        }

        @Override
        public void close() {
            pipeline.close();
            dispatcher.close();
            delivery.close();
        }
    }

    /**
     * Sends that finish together are recorded together: one write for many, not one per send (a
     * send's outcome need not be durable at once: after a crash an attempted reply is taken as
     * sent). Every reply still goes out once, and every row is erased.
     */
    @Test
    void sendsThatFinishTogetherAreRecordedInOneWrite() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        store.deliveredWriteMillis = 3;
        Recording slow = new Recording() {
            @Override
            public void send(OutboundMessage message) {
                try {
                    Thread.sleep(20); // signal-cli takes tens of milliseconds
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.send(message);
            }
        };
        int people = 80;
        for (int i = 0; i < people; i++) {
            store.enqueue(new OutboundMessage("person-" + i, "reply " + i), ("k" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        try (Delivery delivery = new Delivery(store, slow, Duration.ZERO, r -> java.util.Optional.empty(), r -> r, "notice", 8)) {
            delivery.start();
            await("every reply recorded", () -> store.due(1).isEmpty() && store.deliveredRows.get() == people);
        }
        assertEquals(people, slow.sent.size(), "each reply sent once");
        assertEquals(people, slow.sent.stream().map(OutboundMessage::recipient).distinct().count());
        // 8 sends of 20 ms finish one every 2.5 ms, and a write takes 3 ms: one write per send could
        // not keep up, so writes must cover several (one per send was 80 writes; together about 40)
        assertTrue(store.deliveredWrites.get() <= people * 3 / 4,
                "recorded in " + store.deliveredWrites.get() + " writes for " + people + " sends");
    }

    /**
     * Replies are marked as attempted in one write per round, but never before a step that may fail:
     * while a first reply's disappearing timer is being set, the reply is not yet marked (a crash
     * then would otherwise count it as sent, and she would never get it). Every reply goes out once,
     * after its timer.
     */
    @Test
    void noReplyIsMarkedAsAttemptedWhileItsChatIsBeingPrepared() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        List<String> markedBeforeTimer = new CopyOnWriteArrayList<>();
        List<String> order = new CopyOnWriteArrayList<>();
        Recording transport = new Recording() {
            @Override
            public void setDisappearingTimer(String recipient, int seconds) {
                order.add("timer " + recipient);
                store.due(1_000).stream().filter(o -> o.message().recipient().equals(recipient) && o.attempted())
                        .forEach(o -> markedBeforeTimer.add(recipient));
            }

            @Override
            public void send(OutboundMessage message) {
                order.add("send " + message.recipient());
                super.send(message);
            }
        };
        int people = 30;
        for (int i = 0; i < people; i++) {
            store.enqueue(new OutboundMessage("person-" + i, "reply " + i), ("t" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        }
        try (Delivery delivery = new Delivery(store, transport, Duration.ofHours(1), r -> Optional.empty(), r -> r, "notice", 8)) {
            delivery.start();
            await("every reply sent", () -> transport.sent.size() == people && store.due(1).isEmpty());
        }
        assertEquals(List.of(), markedBeforeTimer, "marked as attempted while the timer was being set");
        for (int i = 0; i < people; i++) {
            String who = "person-" + i;
            assertEquals(1, transport.to(who), "sent once");
            assertTrue(order.indexOf("timer " + who) < order.indexOf("send " + who), "the timer before the reply");
        }
    }

    @Test
    void aStoreThatFailsToCompleteLosesNothingAndStallsNobody() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        Recording transport = new Recording();
        try (Parts parts = new Parts(store, transport, new Sessions(Duration.ofMinutes(30), 1000, Lang.KO))) {
            store.completeFailuresLeft.set(4); // SQLITE_BUSY four times in a row
            parts.pipeline.accept(new InboundMessage(PERSON, "난민이 뭐예요", 1_000L, false));
            await("the first completion failed", () -> store.completeFailures.get() >= 1);
            parts.pipeline.accept(new InboundMessage(OTHER, "hello", 2_000L, false));
            await("both answered", () -> transport.to(PERSON) >= 1 && transport.to(OTHER) >= 1);
            assertEquals(4, store.completeFailures.get(), "every failure was retried");
            assertTrue(parts.pipeline.awaitQuiet(10, TimeUnit.SECONDS));
            Thread.sleep(500); // time for a duplicate to show up
            assertNoDuplicates(transport, PERSON);
            assertNoDuplicates(transport, OTHER);
            assertTrue(store.pending().isEmpty(), "nothing left in the journal");
        }
    }

    @Test
    void forgetAlsoClearsTheTransportsDuplicateFilterForHerOnly() throws Exception {
        MemoryMessageStore store = new MemoryMessageStore();
        Recording transport = new Recording();
        try (Parts parts = new Parts(store, transport, new Sessions(Duration.ofMinutes(30), 1000, Lang.KO))) {
            parts.pipeline.accept(new InboundMessage(PERSON, "난민이 뭐예요", 1_000L, false));
            parts.pipeline.accept(new InboundMessage(OTHER, "hello", 2_000L, false));
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertTrue(transport.forgotten.isEmpty());
            parts.pipeline.accept(new InboundMessage(PERSON, "삭제", 3_000L, false));
            assertTrue(parts.pipeline.awaitQuiet(30, TimeUnit.SECONDS));
            assertEquals(List.of(PERSON), transport.forgotten);
        }
    }

    @Test
    void idleExpiryMakesSignalCliForgetThePerson() throws Exception {
        AtomicLong now = new AtomicLong(1);
        Ticker ticker = now::get;
        try (FakeSignalCliDaemon daemon = FakeSignalCliDaemon.started(100);
             SignalCliTransport transport = new SignalCliTransport(SignalCliConfig.of(daemon.baseUrl(), FakeSignalCliDaemon.BOT_NUMBER))) {
            Delivery[] delivery = new Delivery[1];
            Sessions sessions = new Sessions(Duration.ofMinutes(30), 1000, Lang.KO, id -> delivery[0].forgetIdle(id), ticker);
            try (Parts parts = new Parts(new MemoryMessageStore(), transport, sessions)) {
                delivery[0] = parts.delivery;
                parts.pipeline.accept(new InboundMessage(PERSON, "안녕하세요", 1_000L, false));
                await("the answer", () -> !daemon.calls("send").isEmpty());
                assertTrue(daemon.calls("removeContact").isEmpty(), "nothing forgotten while she is active");

                now.addAndGet(Duration.ofMinutes(31).toNanos());
                sessions.cleanUp();
                await("signal-cli told to forget her", () -> !daemon.calls("removeContact").isEmpty());
                FakeSignalCliDaemon.RpcCall forget = daemon.calls("removeContact").get(0);
                assertEquals(PERSON, forget.params().path("recipient").asText());
                assertTrue(forget.params().path("forget").asBoolean());
                assertEquals(1, daemon.calls("removeContact").size());
            }
        }
    }

    /** Each reply text once: answered once, after the store recovered. */
    private static void assertNoDuplicates(Recording transport, String recipient) {
        List<String> texts = transport.sent.stream().filter(m -> m.recipient().equals(recipient)).map(OutboundMessage::text).toList();
        assertEquals(texts.stream().distinct().count(), texts.size(), "no reply sent twice");
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
