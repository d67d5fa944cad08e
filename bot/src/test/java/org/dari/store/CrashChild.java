package org.dari.store;

import java.nio.file.Path;
import java.time.Clock;

/** Run in a child JVM by {@link CrashRecoveryTest}: accepts one message, says so, and waits to be killed. */
public final class CrashChild {
    static final String SENDER = "c4n4ry00-7731-4c4e-8a11-0000000crash";
    static final String TEXT = "도와주세요 help";
    static final long TIMESTAMP = 1_700_000_123_456L;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
            Vault vault = Vault.open(dataDir, keys, Clock.systemUTC(), Retention.DEFAULTS);
            vault.journal().accept(SENDER, TEXT, TIMESTAMP, false);
            System.out.println("ACCEPTED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // never closes the vault: the parent kills this JVM
        }
    }
}
