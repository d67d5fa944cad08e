package org.dari.transport;

import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DuplicateFilterTest {

    @Test
    void sameSenderAndTimestampIsADuplicate() {
        DuplicateFilter filter = new DuplicateFilter(Duration.ofHours(24), 1000);
        assertTrue(filter.firstTime("a", 1));
        assertFalse(filter.firstTime("a", 1));
        assertTrue(filter.firstTime("a", 2));
        assertTrue(filter.firstTime("b", 1));
        assertTrue(filter.firstTime("a1", 1), "sender and timestamp are separated in the key");
    }

    @Test
    void forgettingASenderDropsHerEntriesAndNoOneElses() {
        DuplicateFilter filter = new DuplicateFilter(java.time.Duration.ofHours(1), 100);
        assertTrue(filter.firstTime("a", 1));
        assertTrue(filter.firstTime("a", 2));
        assertTrue(filter.firstTime("b", 1));
        assertEquals(2, filter.forget("a"));
        assertTrue(filter.firstTime("a", 1), "nothing of hers is remembered");
        assertFalse(filter.firstTime("b", 1), "the others' entries stay");
    }

    @Test
    void isBounded() {
        DuplicateFilter filter = new DuplicateFilter(Duration.ofHours(24), 10);
        for (int i = 0; i < 10_000; i++) filter.firstTime("sender", i);
        // Caffeine evicts asynchronously; the oldest entries must be gone eventually, so a replay of
        // the first one is accepted again rather than the memory growing without bound.
        Await.until(() -> filter.firstTime("sender", 0), "old entries evicted");
    }
}
