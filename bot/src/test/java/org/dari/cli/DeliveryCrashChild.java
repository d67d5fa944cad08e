package org.dari.cli;

import org.dari.conversation.Delivery;
import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.Retention;
import org.dari.store.Vault;
import org.dari.transport.OutboundMessage;
import org.dari.transport.SignalConfig;
import org.dari.transport.SignalTransport;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Run in a child JVM by {@link DeliveryGuaranteeTest}: queues one reply to a person and one referral
 * to a caseworker, starts delivering to a Signal server that takes both sends and never answers,
 * and waits to be killed between the send and its record.
 */
public final class DeliveryCrashChild {
    static final String PERSON = "5c0ffee0-1234-4abc-8def-0123456789ab";
    static final String CASEWORKER = "ca5e0000-1234-4abc-8def-0123456789ab";
    static final String SAFETY_NUMBER = "11111 22222 33333";

    private DeliveryCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        String server = args[2];
        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
            Vault vault = Vault.open(dataDir, keys, Clock.systemUTC(), Retention.DEFAULTS);
            VaultMessageStore store = new VaultMessageStore(vault);
            store.enqueue(new OutboundMessage(PERSON, "your answer"), "answer".getBytes(StandardCharsets.US_ASCII));
            store.enqueue(new OutboundMessage(CASEWORKER, "referral DR-7Q3K"), "referral".getBytes(StandardCharsets.US_ASCII));
            Delivery delivery = DeliveryGuaranteeTest.delivery(store, new SignalTransport(config(server)));
            delivery.start();
            System.out.println("DELIVERING");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // never records the outcome: the parent kills this JVM
        }
    }

    static SignalConfig config(String baseUrl) {
        return new SignalConfig(baseUrl, "+4915187654321", SignalConfig.ReceiveMode.POLL, 1, Duration.ofMillis(50),
                Duration.ofMillis(500), Duration.ofSeconds(2), Duration.ofSeconds(120));
    }
}
