package org.dari.store;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PayloadTest {

    @Test
    void everyFieldReadsBackInOrder() {
        String korean = "중국 공안에 잡히면 어떻게 되나요? 🙏";
        byte[] raw = {0, 1, 2, (byte) 0xFF};
        byte[] payload = new Payload.Writer().string(korean).string("").bytes(raw).number(-42L)
                .flag(true).flag(false).string("\uD800 lone surrogate").toBytes();

        Payload.Reader in = new Payload.Reader(payload);
        assertEquals(korean, in.string());
        assertEquals("", in.string());
        assertArrayEquals(raw, in.bytes());
        assertEquals(-42L, in.number());
        assertTrue(in.flag());
        assertFalse(in.flag());
        assertEquals("? lone surrogate", in.string());
        assertFalse(in.hasMore());
        in.end();
    }

    @Test
    void thePayloadIsExactlyItsFields() {
        byte[] payload = new Payload.Writer().string("가").number(7).flag(true).toBytes();
        // format byte, length (4) and 3 UTF-8 bytes, 8 for the number, 1 for the flag
        assertEquals(1 + 4 + 3 + 8 + 1, payload.length);
        assertEquals(Payload.FORMAT, payload[0]);
    }

    @Test
    void malformedPayloadsAreUnreadableNeverACrash() {
        byte[] good = new Payload.Writer().string("hello").toBytes();
        byte[] longer = good.clone();
        ByteBuffer.wrap(longer, 1, 4).putInt(6); // claims one byte more than is there
        byte[] negative = good.clone();
        ByteBuffer.wrap(negative, 1, 4).putInt(-1);
        byte[] huge = good.clone();
        ByteBuffer.wrap(huge, 1, 4).putInt(Integer.MAX_VALUE);
        byte[] cutInLength = Arrays.copyOf(good, 3);
        byte[] wrongFormat = good.clone();
        wrongFormat[0] = 9;

        for (byte[] bad : new byte[][] {longer, negative, huge, cutInLength}) {
            assertThrows(VaultException.class, () -> new Payload.Reader(bad).string());
            assertThrows(VaultException.class, () -> new Payload.Reader(bad).bytes());
        }
        assertThrows(VaultException.class, () -> new Payload.Reader(wrongFormat));
        assertThrows(VaultException.class, () -> new Payload.Reader(new byte[0]));
        assertThrows(VaultException.class, () -> new Payload.Reader(new byte[] {Payload.FORMAT}).number());
        assertThrows(VaultException.class, () -> new Payload.Reader(new byte[] {Payload.FORMAT}).flag());
        Payload.Reader extra = new Payload.Reader(good);
        extra.string();
        extra.end();
        Payload.Reader trailing = new Payload.Reader(Arrays.copyOf(good, good.length + 1));
        trailing.string();
        assertThrows(VaultException.class, trailing::end);
    }
}
