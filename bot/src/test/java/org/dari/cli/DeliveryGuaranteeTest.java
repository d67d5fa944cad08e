package org.dari.cli;

import org.dari.conversation.Delivery;
import org.dari.conversation.MessageStore;
import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.Retention;
import org.dari.store.Vault;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.InboundSink;
import org.dari.transport.OutboundMessage;
import org.dari.transport.SendException;
import org.dari.transport.SignalTransport;
import org.dari.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The delivery guarantee per kind of recipient: a person gets a message at most once (an unclear
 * send counts as sent, also across a hard kill), a caseworker at least once (an unclear send is
 * repeated); only what certainly did not go out is retried for a person.
 */
class DeliveryGuaranteeTest {
    private static final String PERSON = DeliveryCrashChild.PERSON;
    private static final String CASEWORKER = DeliveryCrashChild.CASEWORKER;
    private static final Duration WAIT = Duration.ofSeconds(30);

    static Delivery delivery(MessageStore store, Transport transport) {
        Map<String, String> caseworkers = Map.of(CASEWORKER, DeliveryCrashChild.SAFETY_NUMBER);
        return new Delivery(store, transport, Duration.ZERO, a -> Optional.ofNullable(caseworkers.get(a)), a -> "k" + a, "notice");
    }

    /** Answers each send with the next scripted outcome for its recipient (success when none is left). */
    static final class Scripted implements Transport {
        final List<OutboundMessage> attempts = new CopyOnWriteArrayList<>();
        final List<OutboundMessage> accepted = new CopyOnWriteArrayList<>();
        private final Map<String, Deque<SendException.Kind>> script = new ConcurrentHashMap<>();

        Scripted fail(String recipient, SendException.Kind... kinds) {
            script.computeIfAbsent(recipient, r -> new ArrayDeque<>()).addAll(List.of(kinds));
            return this;
        }

        @Override
        public void start(InboundSink sink) {
        }

        @Override
        public void send(OutboundMessage message) throws SendException {
            attempts.add(message);
            Deque<SendException.Kind> next = script.get(message.recipient());
            SendException.Kind kind = next == null ? null : next.pollFirst();
            if (kind != null) throw new SendException(kind, "scripted");
            accepted.add(message);
        }

        @Override
        public boolean identityMatches(String recipient, String safetyNumber) {
            return true;
        }

        @Override
        public void close() {
        }

        long attemptsTo(String recipient) {
            return attempts.stream().filter(m -> m.recipient().equals(recipient)).count();
        }

        long acceptedTo(String recipient) {
            return accepted.stream().filter(m -> m.recipient().equals(recipient)).count();
        }
    }

    @Test
    void anUnclearSendIsNeverRepeatedToAPersonButIsToACaseworker(@TempDir Path dir) throws Exception {
        Scripted transport = new Scripted()
                .fail(PERSON, SendException.Kind.UNCERTAIN)
                .fail(CASEWORKER, SendException.Kind.UNCERTAIN);
        try (KeyRing keys = new KeyRing(MasterKey.generate());
             Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            VaultMessageStore store = new VaultMessageStore(vault);
            store.enqueue(new OutboundMessage(PERSON, "answer"), bytes("a"));
            store.enqueue(new OutboundMessage(CASEWORKER, "referral DR-7Q3K"), bytes("r"));
            Delivery delivery = delivery(store, transport);
            delivery.start();
            try {
                TestBots.await("the referral repeated and accepted", WAIT, () -> transport.acceptedTo(CASEWORKER) == 1);
                Thread.sleep(2500); // the person's retry would have come by now (first backoff is at most 1 s)
                assertEquals(2, transport.attemptsTo(CASEWORKER), "an unclear referral is sent again");
                assertEquals(1, transport.attemptsTo(PERSON), "an unclear send to a person counts as sent");
                assertTrue(store.due(10).isEmpty(), "nothing left to send");
            } finally {
                delivery.close();
            }
        }
    }

    @Test
    void whatCertainlyDidNotGoOutIsRetriedForAPerson(@TempDir Path dir) throws Exception {
        Scripted transport = new Scripted().fail(PERSON, SendException.Kind.RETRY_LATER, SendException.Kind.UNTRUSTED_IDENTITY);
        try (KeyRing keys = new KeyRing(MasterKey.generate());
             Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            VaultMessageStore store = new VaultMessageStore(vault);
            store.enqueue(new OutboundMessage(PERSON, "answer"), bytes("a"));
            Delivery delivery = delivery(store, transport);
            delivery.start();
            try {
                TestBots.await("delivered after the refusals", WAIT, () -> transport.acceptedTo(PERSON) == 1);
                assertEquals(1, transport.accepted.size());
                // rate limited: sent again; untrusted: her queue is dropped, only the neutral notice goes
                assertEquals(List.of("answer", "answer", "notice"), transport.attempts.stream().map(OutboundMessage::text).toList());
            } finally {
                delivery.close();
            }
        }
    }

    /** Fails the next N calls of chosen store operations, as SQLite does when busy or the disk fails. */
    static final class FlakyStore implements MessageStore {
        private final MessageStore store;
        final AtomicInteger attemptingFailures = new AtomicInteger();
        final AtomicInteger deliveredFailures = new AtomicInteger();
        final AtomicInteger retryFailures = new AtomicInteger();

        FlakyStore(MessageStore store) {
            this.store = store;
        }

        private static void maybeFail(AtomicInteger left) {
            if (left.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new IllegalStateException("[SQLITE_BUSY] database is locked (simulated)");
            }
        }

        @Override public long accept(org.dari.transport.InboundMessage m) { return store.accept(m); }
        @Override public void complete(long id, org.dari.transport.InboundMessage m, org.dari.conversation.Reply r) { store.complete(id, m, r); }
        @Override public List<Pending> pending() { return store.pending(); }
        @Override public void enqueue(OutboundMessage m, byte[] key) { store.enqueue(m, key); }
        @Override public List<Outgoing> due(int limit) { return store.due(limit); }
        @Override public void attempting(long id) { maybeFail(attemptingFailures); store.attempting(id); }
        @Override public void delivered(long id) { maybeFail(deliveredFailures); store.delivered(id); }
        @Override public void retryLater(long id) { maybeFail(retryFailures); store.retryLater(id); }
        @Override public void dropUndeliverable(long id) { store.dropUndeliverable(id); }
        @Override public int dropQueuedFor(String recipient) { return store.dropQueuedFor(recipient); }
        @Override public int purgeExpired() { return store.purgeExpired(); }
    }

    @Test
    void aStoreThatFailsToRecordAnOutcomeLosesNothingAndSendsNothingTwice(@TempDir Path dir) throws Exception {
        Scripted transport = new Scripted().fail(PERSON, SendException.Kind.RETRY_LATER);
        try (KeyRing keys = new KeyRing(MasterKey.generate());
             Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            FlakyStore store = new FlakyStore(new VaultMessageStore(vault));
            store.enqueue(new OutboundMessage(PERSON, "answer"), bytes("a"));
            store.enqueue(new OutboundMessage(CASEWORKER, "referral DR-7Q3K"), bytes("r"));
            store.attemptingFailures.set(2); // nothing is sent until the attempt is on disk
            store.deliveredFailures.set(3);  // sent, but the store cannot say so yet
            store.retryFailures.set(1);      // refused, and the store cannot say so yet
            Delivery delivery = delivery(store, transport);
            delivery.start();
            try {
                TestBots.await("both delivered and recorded", WAIT, () -> transport.acceptedTo(PERSON) == 1
                        && transport.acceptedTo(CASEWORKER) == 1 && store.due(10).isEmpty());
                Thread.sleep(1500);
                assertEquals(2, transport.attemptsTo(PERSON), "her refused send was tried again, not counted as sent");
                assertEquals(1, transport.acceptedTo(PERSON), "and then sent once although recording it failed");
                assertEquals(1, transport.attemptsTo(CASEWORKER));
                assertEquals(0, store.deliveredFailures.get() + store.retryFailures.get() + store.attemptingFailures.get());
                assertTrue(store.due(10).isEmpty());
            } finally {
                delivery.close();
            }
        }
    }

    @Test
    void oneSlowSendDelaysNobodyElseAndKeepsThatPersonsOrder(@TempDir Path dir) throws Exception {
        String slow = "00000000-0000-4000-8000-00000000000a";
        List<String> others = List.of("00000000-0000-4000-8000-00000000000b", "00000000-0000-4000-8000-00000000000c",
                "00000000-0000-4000-8000-00000000000d");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL);
             KeyRing keys = new KeyRing(MasterKey.generate());
             Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            server.start();
            server.holdSendsTo(slow); // this person's Signal answers only much later
            VaultMessageStore store = new VaultMessageStore(vault);
            store.enqueue(new OutboundMessage(slow, "first"), bytes("s1"));
            store.enqueue(new OutboundMessage(slow, "second"), bytes("s2"));
            for (String o : others) store.enqueue(new OutboundMessage(o, "hello"), bytes(o));
            try (SignalTransport transport = new SignalTransport(DeliveryCrashChild.config(server.baseUrl()))) {
                Delivery delivery = delivery(store, transport);
                delivery.start();
                try {
                    TestBots.await("everyone else served while one send hangs", WAIT,
                            () -> others.stream().allMatch(o -> TestBots.sendsTo(server, o).size() == 1));
                    assertEquals(List.of("first"), TestBots.sendsTo(server, slow).stream().map(TestBots::text).toList(),
                            "her second message waits behind her first");
                    server.release(slow);
                    TestBots.await("her second message after the first", WAIT, () -> TestBots.sendsTo(server, slow).size() == 2);
                    TestBots.await("all recorded", WAIT, () -> store.due(10).isEmpty());
                    assertEquals(List.of("first", "second"), TestBots.sendsTo(server, slow).stream().map(TestBots::text).toList());
                    assertEquals(5, server.sends().size(), "nothing sent twice");
                } finally {
                    delivery.close();
                }
            }
        }
    }

    /**
     * A real {@code kill -9} after both sends reached Signal and before their outcome was recorded:
     * after the restart the person gets nothing more, the caseworker gets the referral again.
     */
    @Test
    void afterAHardKillBetweenSendAndRecordAPersonIsNotResentAndACaseworkerIs(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Path keyFile = dir.resolve("keys/master.key");
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            server.setIdentities("[{\"number\":null,\"uuid\":\"" + CASEWORKER + "\",\"status\":\"TRUSTED_VERIFIED\","
                    + "\"fingerprint\":\"ab\",\"safety_number\":\"" + DeliveryCrashChild.SAFETY_NUMBER + "\",\"added\":\"1\"}]");
            server.holdSendsTo(PERSON);
            server.holdSendsTo(CASEWORKER);
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process child = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    DeliveryCrashChild.class.getName(), data.toString(), keyFile.toString(), server.baseUrl())
                    .redirectErrorStream(true).start();
            try {
                CompletableFuture<Boolean> started = CompletableFuture.supplyAsync(() -> {
                    try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                        for (String line; (line = out.readLine()) != null; ) {
                            if (line.equals("DELIVERING")) return true;
                        }
                        return false;
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                assertTrue(started.get(60, TimeUnit.SECONDS), "the child started delivering");
                TestBots.await("both sends reached Signal", Duration.ofSeconds(60),
                        () -> TestBots.sendsTo(server, PERSON).size() == 1 && TestBots.sendsTo(server, CASEWORKER).size() == 1);
            } finally {
                child.destroyForcibly(); // SIGKILL: the outcome of both sends is never recorded
                assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            }
            assertNotEquals(0, child.exitValue(), "killed, not exited");
            server.release(PERSON);
            server.release(CASEWORKER);

            try (MasterKey master = KeyRotation.loadKey(data, keyFile); KeyRing keys = new KeyRing(master);
                 Vault vault = Vault.open(data, keys, Clock.systemUTC(), Retention.DEFAULTS);
                 SignalTransport transport = new SignalTransport(DeliveryCrashChild.config(server.baseUrl()))) {
                VaultMessageStore store = new VaultMessageStore(vault);
                assertTrue(store.due(10).stream().allMatch(MessageStore.Outgoing::attempted), "both attempts were on disk before the sends");
                Delivery delivery = delivery(store, transport);
                delivery.start();
                try {
                    TestBots.await("the referral sent again", WAIT, () -> TestBots.sendsTo(server, CASEWORKER).size() == 2);
                    TestBots.await("all recorded", WAIT, () -> store.due(10).isEmpty());
                    Thread.sleep(1500);
                    assertEquals(1, TestBots.sendsTo(server, PERSON).size(), "the person's message is not sent a second time");
                    assertEquals(2, TestBots.sendsTo(server, CASEWORKER).size(), "the referral arrives at least once");
                } finally {
                    delivery.close();
                }
            }
        }
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
