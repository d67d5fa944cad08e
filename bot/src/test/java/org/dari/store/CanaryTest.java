package org.dari.store;

import org.dari.store.TestSupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Invariant 1 and 2 on the bytes themselves: after real use, no identifier or text is anywhere in
 * the data directory, and what was erased (even in sealed form) is gone from every file.
 */
class CanaryTest {
    private static final String CANARY_UUID = "c4n4ry00-7731-4c4e-8a11-00000000c4n4";
    private static final String CANARY_PHONE = "+8613800138000";
    private static final String CANARY_TEXT = "카나리아 canary-text-7731";
    private static final List<String> CANARIES =
            List.of(CANARY_UUID, CANARY_PHONE, CANARY_TEXT, "카나리아", "canary-text-7731", "c4n4ry00", "8613800138000");
    private static final long T = 1_700_000_000_000L;

    @TempDir
    Path data;

    private final MutableClock clock = new MutableClock(Instant.parse("2025-03-01T00:00:00Z"));
    private final MasterKey master = MasterKey.generate();
    private final KeyRing keys = new KeyRing(master);

    @AfterEach
    void wipe() {
        keys.close();
        master.close();
    }

    private Vault open() {
        return Vault.open(data, keys, clock, Retention.DEFAULTS);
    }

    @Test
    void noIdentifierOrTextReachesAnyFile() {
        try (Vault vault = open()) {
            useLikeABot(vault);
            assertNoCanaries("while open, before forget");
            assertTrue(vault.forget(CANARY_UUID) > 0);
            assertNoCanaries("after forget");
            assertAbsent(keys.pseudonyms().of(CANARY_UUID), "pseudonym after forget");
        }
        assertNoCanaries("after close");
    }

    @Test
    void erasedRowsLeaveNoBytesBehindEvenInFreedSpace() throws Exception {
        try (Vault vault = open()) {
            useLikeABot(vault);
        }
        byte[] forgotten = keys.pseudonyms().of(CANARY_UUID);
        byte[] kept = keys.pseudonyms().of(CANARY_PHONE);
        List<byte[]> traces = rawTraces(forgotten);
        assertTrue(traces.size() >= 6, "journal and outbox rows of the person were captured");
        for (byte[] trace : traces) assertPresent(trace, "control: the scan finds stored bytes");

        try (Vault vault = open()) {
            assertTrue(vault.forget(CANARY_UUID) >= 4);
            for (byte[] trace : traces) assertAbsent(trace, "sealed bytes of a forgotten row, vault open");
            assertPresent(kept, "control: other people's rows are still there");
        }
        for (byte[] trace : traces) assertAbsent(trace, "sealed bytes of a forgotten row, vault closed");

        List<byte[]> keptTraces = rawTraces(kept);
        long sizeBeforePurge = Files.size(data.resolve(Vault.DATABASE_FILE));
        clock.advance(Duration.ofDays(8));
        try (Vault vault = open()) { // purges at open
            assertTrue(vault.journal().pending().isEmpty());
            for (byte[] trace : keptTraces) assertAbsent(trace, "sealed bytes of an expired row");
            assertAbsent(kept, "pseudonym after purge");
        }
        long sizeAfterPurge = Files.size(data.resolve(Vault.DATABASE_FILE));
        assertTrue(sizeAfterPurge < sizeBeforePurge, "auto_vacuum gives freed pages back: "
                + sizeBeforePurge + " -> " + sizeAfterPurge);
        assertNoCanaries("at the end");
    }

    /** Canary people among filler, long messages that spill to overflow pages, replies, direct sends. */
    private void useLikeABot(Vault vault) {
        List<Long> canaryIds = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            vault.journal().accept(String.format("f111e700-0000-4000-8000-%012d", i), "filler message " + i, T + i, false);
            if (i % 10 == 0) {
                canaryIds.add(vault.journal().accept(CANARY_UUID, CANARY_TEXT + " #" + i, T + i, i == 0));
                vault.journal().accept(CANARY_PHONE, "my number is " + CANARY_PHONE + " " + CANARY_TEXT, T + i, false);
            }
            clock.advance(Duration.ofSeconds(1));
        }
        canaryIds.add(vault.journal().accept(CANARY_UUID, (CANARY_TEXT + " ").repeat(800), T + 999, false));
        vault.journal().complete(canaryIds.get(0), List.of("답장 " + CANARY_TEXT, "call " + CANARY_PHONE));
        vault.journal().complete(canaryIds.get(1), List.of(CANARY_TEXT.repeat(300)));
        vault.outbox().enqueue(CANARY_UUID, "direct " + CANARY_TEXT, CANARY_UUID.getBytes(StandardCharsets.UTF_8));
        vault.outbox().enqueue(CANARY_PHONE, "direct " + CANARY_PHONE, CANARY_PHONE.getBytes(StandardCharsets.UTF_8));
        List<OutboxItem> due = vault.outbox().due(100);
        assertFalse(due.isEmpty());
        vault.outbox().retryLater(due.get(0).id());
        List<PendingInbound> pending = vault.journal().pending();
        vault.journal().complete(pending.get(pending.size() - 1).id(), List.of("ok"));
        vault.outbox().delivered(vault.outbox().due(100).get(0).id());
    }

    /** The person's stored bytes: pseudonym-derived keys and slices of every sealed payload. */
    private List<byte[]> rawTraces(byte[] person) throws Exception {
        List<byte[]> traces = new ArrayList<>();
        traces.add(person);
        try (Connection c = TestSupport.rawConnection(data)) {
            for (String sql : List.of("SELECT dedup, payload FROM journal WHERE person = ?",
                    "SELECT idem_key, payload FROM outbox WHERE person = ?")) {
                try (PreparedStatement s = c.prepareStatement(sql)) {
                    s.setBytes(1, person);
                    try (ResultSet r = s.executeQuery()) {
                        while (r.next()) {
                            traces.add(r.getBytes(1));
                            byte[] payload = r.getBytes(2);
                            traces.add(Arrays.copyOfRange(payload, 0, 24));
                            traces.add(Arrays.copyOfRange(payload, payload.length - 24, payload.length));
                            if (payload.length > 8000) traces.add(Arrays.copyOfRange(payload, 6000, 6024));
                        }
                    }
                }
            }
        }
        return traces;
    }

    private void assertNoCanaries(String when) {
        for (String canary : CANARIES) {
            for (byte[] encoded : TestSupport.encodings(canary)) {
                assertEquals(List.of(), TestSupport.filesContaining(data, encoded), "a canary " + when);
            }
        }
    }

    private void assertAbsent(byte[] bytes, String what) {
        assertEquals(List.of(), TestSupport.filesContaining(data, bytes), what);
    }

    private void assertPresent(byte[] bytes, String what) {
        assertFalse(TestSupport.filesContaining(data, bytes).isEmpty(), what);
    }
}
