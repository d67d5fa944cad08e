package org.dari.store;

/** A file to send with an outbox message (a sealed referral, already ciphertext). */
public record OutboxFile(String name, String mediaType, byte[] data) {
    public OutboxFile {
        data = data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    @Override
    public String toString() {
        return "OutboxFile[bytes=" + data.length + "]";
    }
}
