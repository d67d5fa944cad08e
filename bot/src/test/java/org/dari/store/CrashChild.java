package org.dari.store;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM: accepts one message into the journal (what the bot does when a message
 * arrives), says so, and waits to be killed. Arguments: data folder, key file, and optionally the
 * sender and text (default: {@link #SENDER}, {@link #TEXT}).
 */
public final class CrashChild {
    static final String SENDER = "c4n4ry00-7731-4c4e-8a11-0000000crash";
    static final String TEXT = "도와주세요 help";
    static final long TIMESTAMP = 1_700_000_123_456L;

    private CrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        String sender = args.length > 2 ? args[2] : SENDER;
        String text = args.length > 3 ? args[3] : TEXT;
        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
            Vault vault = Vault.open(dataDir, keys, Clock.systemUTC(), Retention.DEFAULTS);
            vault.journal().accept(sender, text, TIMESTAMP, false);
            System.out.println("ACCEPTED");
            System.out.flush();
            Thread.sleep(Long.MAX_VALUE); // never answers, never closes the vault: the parent kills this JVM
        }
    }

    /** Starts {@code main} in a child JVM on this test's class path, its output and errors merged. */
    static Process start(Class<?> main, String... args) throws java.io.IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String[] command = new String[4 + args.length];
        command[0] = java;
        command[1] = "-cp";
        command[2] = System.getProperty("java.class.path");
        command[3] = main.getName();
        System.arraycopy(args, 0, command, 4, args.length);
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    /**
     * Runs this child with {@code args}, waits until it has accepted its message, then SIGKILLs it.
     * Returns the child's exit value (not 0 when it was killed).
     */
    public static int acceptThenKill(String... args) throws Exception {
        Process child = start(CrashChild.class, args);
        try {
            CompletableFuture<Boolean> accepted = CompletableFuture.supplyAsync(() -> {
                try (BufferedReader out = new BufferedReader(
                        new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.equals("ACCEPTED")) return true;
                    }
                    return false;
                } catch (java.io.IOException e) {
                    return false;
                }
            });
            assertTrue(accepted.get(60, TimeUnit.SECONDS), "the child accepted the message");
        } finally {
            child.destroyForcibly(); // SIGKILL
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        return child.exitValue();
    }
}
