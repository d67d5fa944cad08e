package org.dari.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        assertEquals(Sealer.bucket(PLAIN.length) + Sealer.OVERHEAD, sealed.length);
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

    @Test
    void differentAnswersInOneBucketHaveCiphertextsOfEqualLength() {
        try (MasterKey master = MasterKey.generate(); KeyRing keys = new KeyRing(master)) {
            Sealer sealer = keys.sealer(KeyPurpose.OUTBOX);
            byte[] shortAnswer = "난민은 박해를 피해 나라를 떠난 사람이에요.".getBytes(StandardCharsets.UTF_8);
            byte[] longerAnswer = ("중국은 난민협약 가입국이지만 탈북민을 불법 월경자로 봅니다. 유엔난민기구에 연락할 수 있어요. "
                    + "출처를 보내면 근거를 알려 드려요.").getBytes(StandardCharsets.UTF_8);
            assertTrue(shortAnswer.length != longerAnswer.length && longerAnswer.length < 255, "control: lengths differ");
            byte[] a = sealer.seal(shortAnswer, "outbox", new byte[] {1});
            byte[] b = sealer.seal(longerAnswer, "outbox", new byte[] {1});
            assertEquals(a.length, b.length);
            assertArrayEquals(longerAnswer, sealer.open(b, "outbox", new byte[] {1}));
            assertArrayEquals(shortAnswer, sealer.open(a, "outbox", new byte[] {1}));
        }
        assertEquals(256, Sealer.bucket(0));
        assertEquals(512, Sealer.bucket(256));
        assertEquals(4096, Sealer.bucket(4095));
        assertEquals(8192, Sealer.bucket(4096));
        assertEquals(16384, Sealer.bucket(8192));
    }
}
