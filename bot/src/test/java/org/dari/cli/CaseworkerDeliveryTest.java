package org.dari.cli;

import org.dari.conversation.Delivery;
import org.dari.conversation.Reply;
import org.dari.store.KeyRing;
import org.dari.store.MasterKey;
import org.dari.store.Retention;
import org.dari.store.Vault;
import org.dari.transport.InboundMessage;
import org.dari.transport.InboundSink;
import org.dari.transport.OutboundMessage;
import org.dari.transport.SendException;
import org.dari.transport.Transport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Deliveries to caseworkers: held while a caseworker's Signal identity is not the verified one, never auto-trusted. */
class CaseworkerDeliveryTest {
    static final class Recording implements Transport {
        final List<OutboundMessage> sent = new CopyOnWriteArrayList<>();
        final List<String> accepted = new CopyOnWriteArrayList<>();
        final Map<String, Boolean> identityOk = new ConcurrentHashMap<>();

        @Override
        public void start(InboundSink sink) {
        }

        @Override
        public void send(OutboundMessage message) {
            sent.add(message);
        }

        @Override
        public boolean identityMatches(String recipient, String safetyNumber) {
            return identityOk.getOrDefault(recipient, false);
        }

        @Override
        public void acceptNewIdentity(String recipient) {
            accepted.add(recipient);
        }

        @Override
        public void close() {
        }

        long to(String recipient) {
            return sent.stream().filter(m -> m.recipient().equals(recipient)).count();
        }
    }

    @Test
    void aCaseworkerWhoseIdentityChangedGetsNothingUntilReverifiedAndTheOthersStillReceive(@TempDir Path dir) throws Exception {
        Recording transport = new Recording();
        transport.identityOk.put("cw-b", true);
        try (KeyRing keys = new KeyRing(MasterKey.generate());
             Vault vault = Vault.open(dir, keys, Clock.systemUTC(), Retention.DEFAULTS)) {
            VaultMessageStore store = new VaultMessageStore(vault);
            Map<String, String> verified = Map.of("cw-a", "111", "cw-b", "222");
            Delivery delivery = new Delivery(store, transport, Duration.ZERO, a -> Optional.ofNullable(verified.get(a)), a -> "k" + a, "notice");
            InboundMessage request = new InboundMessage("person", "1", 5L, false);
            long id = store.accept(request);
            OutboundMessage.Attachment file = new OutboundMessage.Attachment("referral.asc", "application/pgp-encrypted", new byte[] {7});
            store.complete(id, request, new Reply(List.of("sent"),
                    List.of(new OutboundMessage("cw-a", "new", file), new OutboundMessage("cw-b", "new", file)), List.of(), false));
            delivery.start();
            try {
                TestBots.await("delivery to the verified caseworker and the person", Duration.ofSeconds(10),
                        () -> transport.to("cw-b") == 1 && transport.to("person") == 1);
                Thread.sleep(1500);
                assertEquals(0, transport.to("cw-a"), "held while the identity does not match");
                assertTrue(transport.accepted.isEmpty(), "a caseworker's changed key is never trusted by the bot");
                transport.identityOk.put("cw-a", true); // the operator verified the new safety number
                TestBots.await("delivery after re-verification", Duration.ofSeconds(20), () -> transport.to("cw-a") == 1);
                Thread.sleep(1500);
                assertEquals(1, transport.to("cw-a"), "delivered once");
                assertEquals(1, transport.to("cw-b"), "never twice");
                assertTrue(transport.sent.stream().filter(m -> m.recipient().startsWith("cw-")).allMatch(m -> m.file().isPresent()),
                        "the sealed referral goes with each delivery");
            } finally {
                delivery.close();
            }
        }
    }
}
