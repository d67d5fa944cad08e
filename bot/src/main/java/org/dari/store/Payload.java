package org.dari.store;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A tiny length-prefixed encoding for what goes inside a sealed value. Any Java string survives
 * (unpaired surrogates become '?'), and malformed input is a {@link VaultException}, never a crash.
 */
final class Payload {
    static final byte FORMAT = 1;

    private Payload() {
    }

    /**
     * Collects the fields and copies them once, into an array of the exact size, in {@link #toBytes};
     * an array given to {@link #bytes} is read then, so it must not change before.
     */
    static final class Writer {
        private final List<byte[]> parts = new ArrayList<>();
        private int length = 1;

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] value) {
            return part(ByteBuffer.allocate(4).putInt(value.length).array()).part(value);
        }

        Writer number(long value) {
            return part(KeyedHash.longBytes(value));
        }

        Writer flag(boolean value) {
            return part(new byte[] {(byte) (value ? 1 : 0)});
        }

        private Writer part(byte[] part) {
            length = Math.addExact(length, part.length);
            parts.add(part);
            return this;
        }

        byte[] toBytes() {
            byte[] out = new byte[length];
            out[0] = FORMAT;
            int at = 1;
            for (byte[] part : parts) {
                System.arraycopy(part, 0, out, at, part.length);
                at += part.length;
            }
            return out;
        }
    }

    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] payload) {
            in = ByteBuffer.wrap(payload);
            if (!in.hasRemaining() || in.get() != FORMAT) throw VaultException.unreadable(null);
        }

        String string() {
            int length = length();
            String value = new String(in.array(), in.position(), length, StandardCharsets.UTF_8);
            in.position(in.position() + length);
            return value;
        }

        byte[] bytes() {
            byte[] value = new byte[length()];
            in.get(value);
            return value;
        }

        /** The next field's length, checked against what is left. */
        private int length() {
            try {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) throw VaultException.unreadable(null);
                return length;
            } catch (BufferUnderflowException e) {
                throw VaultException.unreadable(e);
            }
        }

        long number() {
            try {
                return in.getLong();
            } catch (BufferUnderflowException e) {
                throw VaultException.unreadable(e);
            }
        }

        boolean flag() {
            try {
                return in.get() != 0;
            } catch (BufferUnderflowException e) {
                throw VaultException.unreadable(e);
            }
        }

        boolean hasMore() {
            return in.hasRemaining();
        }

        void end() {
            if (in.hasRemaining()) throw VaultException.unreadable(null);
        }
    }
}
