package org.dari.cli;

import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.Retention;
import org.dari.store.Vault;

import java.nio.file.Path;
import java.time.Clock;

/**
 * Run in a child JVM by {@link RecoverAfterKillTest}: does what the bot does when a message arrives
 * (journals it) and is then killed before the message is answered.
 */
public final class AcceptThenKillChild {
    static final String SENDER = "7e57c0de-4b1d-4c0a-9e11-00000000c0de";
    static final String TEXT = "난민이 뭐예요";
    static final long TIMESTAMP = 1_755_379_200_000L;

    private AcceptThenKillChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
            Vault vault = Vault.open(dataDir, keys, Clock.systemUTC(), Retention.DEFAULTS);
            vault.journal().accept(SENDER, TEXT, TIMESTAMP, false);
            System.out.println("ACCEPTED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // never answers, never closes: the parent kills this JVM
        }
    }
}
