package org.dari.store;

import org.dari.store.TestSupport.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The links from open referrals back to people: findable only with the code's secret part. */
class ReferralLinksTest {
    private static final String PERSON = "0d1f3c5a-7b9e-4d2f-8a6c-5e4b3a2f1e0d";
    private static final String SECRET = "Q2HXR9WPATC4NE6B";

    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-28T10:00:00Z"));
    private final KeyRing keys = new KeyRing(MasterKey.generate());

    @AfterEach
    void close() {
        keys.close();
    }

    private Vault open(KeyRing ring) {
        return Vault.open(dir, ring, clock, Retention.DEFAULTS);
    }

    @Test
    void theLinkOpensOnlyWithTheRightSecretPart() {
        try (Vault vault = open(keys)) {
            ReferralLinks links = vault.referrals();
            links.apply(List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", true, PERSON, "ko")));
            assertEquals(PERSON, links.link("K7QM", SECRET).orElseThrow().person());
            assertEquals("ko", links.link("K7QM", SECRET).orElseThrow().lang());
            assertTrue(links.link("K7QM", "Q2HXR9WPATC4NE6C").isEmpty(), "one character off: nothing");
            assertTrue(links.link("K7QN", SECRET).isEmpty(), "another id: nothing");
            ReferralLinks.Meta meta = links.meta("K7QM").orElseThrow();
            assertEquals("demo", meta.orgId());
            assertTrue(meta.urgent());
            assertFalse(meta.acknowledged());
            assertEquals(List.of("K7QM"), links.openCases("demo").stream().map(ReferralLinks.Meta::codeId).toList());
            assertTrue(links.openCases("other").isEmpty());
        }
    }

    @Test
    void noIdentifierOrSecretIsStoredInTheClear() {
        try (Vault vault = open(keys)) {
            vault.referrals().apply(List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", false, PERSON, "ko")));
        }
        for (String canary : List.of(PERSON, SECRET, "K7QM")) {
            for (byte[] encoding : TestSupport.encodings(canary)) {
                assertEquals(List.of(), TestSupport.filesContaining(dir, encoding), "found in the clear");
            }
        }
    }

    @Test
    void acknowledgeTouchAndCloseChangeTheCase() {
        try (Vault vault = open(keys)) {
            ReferralLinks links = vault.referrals();
            links.apply(List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", false, PERSON, "en")));
            Instant firstExpiry = links.meta("K7QM").orElseThrow().expiresAt();
            clock.advance(Duration.ofDays(10));
            links.apply(List.of(new ReferralLinks.Acknowledge("K7QM")));
            ReferralLinks.Meta acked = links.meta("K7QM").orElseThrow();
            assertTrue(acked.acknowledged());
            assertEquals(firstExpiry.plus(Duration.ofDays(10)), acked.expiresAt(), "activity restarts the expiry");
            links.apply(List.of(new ReferralLinks.Close("K7QM")));
            assertTrue(links.meta("K7QM").isEmpty());
            assertTrue(links.link("K7QM", SECRET).isEmpty());
        }
    }

    @Test
    void caseworkersAreWarnedOnceBeforeAQuietCaseExpiresAndThenItIsGone() {
        try (Vault vault = open(keys)) {
            ReferralLinks links = vault.referrals();
            links.apply(List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", false, PERSON, "ko")));
            assertEquals(List.of(), links.takeExpiryWarnings(Duration.ofDays(3)));
            clock.advance(Duration.ofDays(28));
            assertEquals(List.of("K7QM"), links.takeExpiryWarnings(Duration.ofDays(3)).stream().map(ReferralLinks.Meta::codeId).toList());
            assertEquals(List.of(), links.takeExpiryWarnings(Duration.ofDays(3)), "warned once");
            clock.advance(Duration.ofDays(2));
            assertTrue(vault.purgeExpired() >= 1);
            assertTrue(links.link("K7QM", SECRET).isEmpty());
        }
    }

    @Test
    void linksSurviveKeyRotation() {
        KeyRing next = new KeyRing(MasterKey.generate());
        try {
            Vault vault = open(keys);
            vault.referrals().apply(List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", true, PERSON, "ko")));
            assertTrue(vault.rekey(next) >= 1, "the link was re-sealed");
            try (Vault rotated = open(next)) {
                assertEquals(PERSON, rotated.referrals().link("K7QM", SECRET).orElseThrow().person());
                assertEquals("demo", rotated.referrals().meta("K7QM").orElseThrow().orgId());
            }
        } finally {
            next.close();
        }
    }

    @Test
    void aMessageAndEverythingItCausedAreCommittedTogetherAndOnlyOnce() {
        try (Vault vault = open(keys)) {
            long id = vault.journal().accept(PERSON, "1", 42L, false);
            Journal.Completion completion = new Journal.Completion(List.of("sent"),
                    List.of(new Journal.Relayed("caseworker-a", "new request", new OutboxFile("r.asc", "application/pgp-encrypted", new byte[] {1, 2})),
                            new Journal.Relayed("caseworker-b", "new request", null)),
                    List.of(new ReferralLinks.Open("K7QM", SECRET, "demo", false, PERSON, "ko")), false);
            assertEquals(1, vault.journal().finish(id, completion));
            assertEquals(-1, vault.journal().finish(id, completion), "a second completion does nothing");
            List<OutboxItem> due = vault.outbox().due(10);
            assertEquals(3, due.size());
            OutboxItem withFile = due.stream().filter(i -> i.recipient().equals("caseworker-a")).findFirst().orElseThrow();
            assertEquals("r.asc", withFile.file().name());
            assertEquals(2, withFile.file().data().length);
            assertTrue(vault.referrals().meta("K7QM").isPresent());
        }
    }

    @Test
    void twoPeoplesMessagesWithTheSameTimestampNeverCollideOnOneRecipient() {
        try (Vault vault = open(keys)) {
            long a = vault.journal().accept("person-a", "x", 7L, false);
            long b = vault.journal().accept("person-b", "y", 7L, false);
            vault.journal().finish(a, new Journal.Completion(List.of(), List.of(new Journal.Relayed("caseworker", "from a", null)), List.of(), false));
            vault.journal().finish(b, new Journal.Completion(List.of(), List.of(new Journal.Relayed("caseworker", "from b", null)), List.of(), false));
            assertEquals(2, vault.outbox().due(10).size() + countBehind(vault));
        }
    }

    /** due() shows one message per recipient at a time; count the rest after delivering the first. */
    private static int countBehind(Vault vault) {
        OutboxItem first = vault.outbox().due(10).get(0);
        vault.outbox().delivered(first.id());
        return vault.outbox().due(10).size();
    }
}
