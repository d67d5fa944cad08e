package org.dari.store;

import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A tiny length-prefixed encoding for what goes inside a sealed value. Any Java string survives
 * (unpaired surrogates become '?'), and malformed input is a {@link VaultException}, never a crash.
 */
final class Payload {
    static final byte FORMAT = 1;

    private Payload() {
    }

    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Writer() {
            out.write(FORMAT);
        }

        Writer string(String value) {
            return bytes(value.getBytes(StandardCharsets.UTF_8));
        }

        Writer bytes(byte[] value) {
            out.writeBytes(ByteBuffer.allocate(4).putInt(value.length).array());
            out.writeBytes(value);
            return this;
        }

        Writer number(long value) {
            out.writeBytes(KeyedHash.longBytes(value));
            return this;
        }

        Writer flag(boolean value) {
            out.write(value ? 1 : 0);
            return this;
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }

    static final class Reader {
        private final ByteBuffer in;

        Reader(byte[] payload) {
            in = ByteBuffer.wrap(payload);
            if (!in.hasRemaining() || in.get() != FORMAT) throw VaultException.unreadable(null);
        }

        String string() {
            return new String(bytes(), StandardCharsets.UTF_8);
        }

        byte[] bytes() {
            try {
                int length = in.getInt();
                if (length < 0 || length > in.remaining()) throw VaultException.unreadable(null);
                byte[] value = new byte[length];
                in.get(value);
                return value;
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
