package org.dari.cli;

import org.dari.conversation.MessageStore;
import org.dari.transport.InboundMessage;
import org.dari.transport.MemoryTransport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.PrintStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Messages handed over together (one poll answer) are stored with one commit: when the hand-over
 * returns every one of them is on disk (journaled, or its answer queued), each is answered exactly once (a
 * message repeated in the list too), and each person's messages are answered in the order received.
 */
class BatchAcceptTest {
    private static final List<String> PEOPLE = List.of(
            "11111111-aaaa-4aaa-8aaa-aaaaaaaaaaaa", "22222222-bbbb-4bbb-8bbb-bbbbbbbbbbbb",
            "33333333-cccc-4ccc-8ccc-cccccccccccc", "44444444-dddd-4ddd-8ddd-dddddddddddd");
    private static final List<String> TEXTS = List.of("안녕하세요", "목록", "공안이 신분증을 보자고 하면 어떻게 해요",
            "what are my rights if I am arrested", "menu", "1", "더", "중국에서 병원에 갈 수 있어요?");

    private record Id(String sender, long timestamp) {
        static Id of(InboundMessage m) {
            return new Id(m.sender(), m.timestamp());
        }
    }

    @Test
    void aBatchIsJournaledBeforeItReturnsAndEachMessageIsAnsweredOnceInOrder(@TempDir Path dir) throws Exception {
        Config config = BenchCommand.benchConfig(Config.defaults().withDataDir(dir.resolve("data").toString()));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<Id> answered = new CopyOnWriteArrayList<>();
        MemoryTransport transport = new MemoryTransport(m -> { });
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, TestBots.HOME, transport, state, Registries.load(config, TestBots.HOME, quiet),
                     Clock.systemUTC(), quiet, (m, nanos) -> answered.add(Id.of(m)))) {
            bot.start();
            MessageStore store = state.store();
            List<InboundMessage> all = new ArrayList<>();
            long timestamp = 1_764_000_000_000L;
            for (int round = 0; round < 3; round++) {
                List<InboundMessage> batch = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    String person = PEOPLE.get((i * 7 + round) % PEOPLE.size());
                    batch.add(new InboundMessage(person, TEXTS.get((i + round) % TEXTS.size()), ++timestamp, false));
                }
                batch.add(batch.get(5)); // the same message twice in one poll answer
                transport.deliverAll(batch);

                // read the journal first, then what was answered: a message in neither was never journaled
                Set<Id> journaled = new HashSet<>();
                for (MessageStore.Pending p : store.pending()) journaled.add(Id.of(p.message()));
                Set<Id> answeredNow = new HashSet<>(answered);
                // a worker erases a journal entry before it reports the answer: a message caught in
                // that instant is in neither set, and is reported a moment later
                if (batch.stream().anyMatch(m -> !journaled.contains(Id.of(m)) && !answeredNow.contains(Id.of(m)))) {
                    Thread.sleep(200);
                    answeredNow.addAll(answered);
                }
                for (InboundMessage m : batch) {
                    assertTrue(journaled.contains(Id.of(m)) || answeredNow.contains(Id.of(m)),
                            "every message of the batch is journaled when the hand-over returns");
                }
                all.addAll(batch.subList(0, batch.size() - 1));
            }
            assertTrue(bot.pipeline().awaitQuiet(60, TimeUnit.SECONDS), "everything answered and sent");

            assertEquals(all.size(), answered.size(), "each message answered exactly once, the repeated one too");
            assertEquals(new HashSet<>(all.stream().map(Id::of).toList()), new HashSet<>(answered), "the very messages sent");
            for (String person : PEOPLE) {
                List<Long> sent = all.stream().filter(m -> m.sender().equals(person)).map(InboundMessage::timestamp).toList();
                List<Long> done = answered.stream().filter(a -> a.sender().equals(person)).map(Id::timestamp).toList();
                assertEquals(sent, done, "a person's messages are answered in the order received");
            }
            assertTrue(store.pending().isEmpty(), "the journal is empty once all is answered");
        }
    }

    /**
     * A worker does not wait for its answer to be committed: answers are committed together, many
     * to a transaction, while the workers go on. Every message is still answered once, in order.
     */
    @Test
    void answersAreCommittedTogetherNotOneTransactionEach(@TempDir Path dir) throws Exception {
        Config config = BenchCommand.benchConfig(Config.defaults().withDataDir(dir.resolve("data").toString()));
        PrintStream quiet = new PrintStream(OutputStream.nullOutputStream());
        List<Id> answered = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch sendsHeld = new java.util.concurrent.CountDownLatch(1);
        // sends wait until the end, so only answers are committed meanwhile (and the first few sends' marks)
        MemoryTransport transport = new MemoryTransport(m -> {
            try {
                sendsHeld.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (LocalState state = LocalState.open(config, Clock.systemUTC());
             Bot bot = new Bot(config, TestBots.HOME, transport, state, Registries.load(config, TestBots.HOME, quiet),
                     Clock.systemUTC(), quiet, (m, nanos) -> answered.add(Id.of(m)))) {
            bot.start();
            bot.knowledge().awaitClassifier(60, TimeUnit.SECONDS);
            List<InboundMessage> all = new ArrayList<>();
            long timestamp = 1_764_000_000_000L;
            for (int i = 0; i < 400; i++) {
                all.add(new InboundMessage(PEOPLE.get(i % PEOPLE.size()), TEXTS.get(i % TEXTS.size()), ++timestamp, false));
            }
            long before = state.commits();
            transport.deliverAll(all); // one journal transaction; the answers follow
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (answered.size() < all.size() && System.nanoTime() < deadline) Thread.sleep(5);
            long used = state.commits() - before;
            assertEquals(all.size(), answered.size(), "every message answered");
            // workers waiting for each commit made 403 transactions here; committed together while the
            // workers go on, 20 to 100 (fewer when the machine is idle: the groups grow while a commit runs)
            assertTrue(used <= all.size() / 3, used + " transactions for " + all.size() + " answers");
            for (String person : PEOPLE) {
                List<Long> sent = all.stream().filter(m -> m.sender().equals(person)).map(InboundMessage::timestamp).toList();
                List<Long> done = answered.stream().filter(a -> a.sender().equals(person)).map(Id::timestamp).toList();
                assertEquals(sent, done, "a person's messages are answered in the order received");
            }
        } finally {
            sendsHeld.countDown();
        }
    }
}
