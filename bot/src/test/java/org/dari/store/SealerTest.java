package org.dari.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SealerTest {
    private static final byte[] PLAIN = "카나리아 canary-text-7731".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PERSON = "person-a".getBytes(StandardCharsets.UTF_8);

    private final MasterKey master = MasterKey.generate();
    private final KeyRing ring = new KeyRing(master);
    private final Sealer sealer = ring.sealer(KeyPurpose.JOURNAL);

    @AfterEach
    void wipe() {
        ring.close();
        master.close();
    }

    @Test
    void roundTripsWithVersionNonceAndTag() {
        byte[] sealed = sealer.seal(PLAIN, "journal", PERSON);
        assertEquals(Sealer.VERSION, sealed[0]);
        assertEquals(PLAIN.length + Sealer.OVERHEAD, sealed.length);
        assertArrayEquals(PLAIN, sealer.open(sealed, "journal", PERSON));
        assertFalse(TestSupport.contains(sealed, "canary".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void everySealUsesAFreshNonce() {
        byte[] a = sealer.seal(PLAIN, "journal", PERSON);
        byte[] b = sealer.seal(PLAIN, "journal", PERSON);
        assertFalse(Arrays.equals(Arrays.copyOfRange(a, 1, 13), Arrays.copyOfRange(b, 1, 13)));
    }

    @Test
    void anyFlippedByteIsAClearError() {
        byte[] sealed = sealer.seal(PLAIN, "journal", PERSON);
        for (int i = 0; i < sealed.length; i++) {
            byte[] damaged = sealed.clone();
            damaged[i] ^= 0x01;
            assertUnreadable(() -> sealer.open(damaged, "journal", PERSON));
        }
    }

    @Test
    void anyTruncationIsAClearError() {
        byte[] sealed = sealer.seal(PLAIN, "journal", PERSON);
        for (int length = 0; length < sealed.length; length++) {
            byte[] truncated = Arrays.copyOf(sealed, length);
            assertUnreadable(() -> sealer.open(truncated, "journal", PERSON));
        }
        assertUnreadable(() -> sealer.open(null, "journal", PERSON));
    }

    @Test
    void aCiphertextMovedToAnotherRowTableOrPurposeDoesNotOpen() {
        byte[] sealed = sealer.seal(PLAIN, "journal", PERSON);
        assertUnreadable(() -> sealer.open(sealed, "journal", "person-b".getBytes(StandardCharsets.UTF_8)));
        assertUnreadable(() -> sealer.open(sealed, "outbox", PERSON));
        assertUnreadable(() -> sealer.open(sealed, "journal", PERSON, new byte[] {1}));
        assertUnreadable(() -> ring.sealer(KeyPurpose.OUTBOX).open(sealed, "journal", PERSON));
    }

    @Test
    void aWrongKeyIsAClearError() {
        byte[] sealed = sealer.seal(PLAIN, "journal", PERSON);
        try (MasterKey other = MasterKey.generate(); KeyRing otherRing = new KeyRing(other)) {
            assertUnreadable(() -> otherRing.sealer(KeyPurpose.JOURNAL).open(sealed, "journal", PERSON));
        }
    }

    private static void assertUnreadable(org.junit.jupiter.api.function.Executable open) {
        VaultException e = assertThrows(VaultException.class, open);
        assertEquals(VaultException.Problem.UNREADABLE_DATA, e.problem());
        assertEquals("stored data could not be decrypted: wrong key or damaged data", e.getMessage());
        if (e.getCause() != null) assertEquals(VaultException.Scrubbed.class, e.getCause().getClass());
    }
}
