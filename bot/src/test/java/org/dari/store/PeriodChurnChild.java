package org.dari.store;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Run in a child JVM: one simulated day after another, as fast as it can, creates that day's key
 * (accepting message i), answers message i-1 and purges (destroying day i-1's key once its rows are
 * gone), printing {@code ACCEPTED i} after each accept commits. The parent SIGKILLs it mid-way, so
 * the kill lands while some day key is being created or destroyed. Each committed accept is also
 * appended to a progress file, which survives the kill. Arguments: data folder, key file, progress file.
 */
public final class PeriodChurnChild {
    static final Instant FIRST_DAY = Instant.parse("2031-01-01T12:00:00Z");

    private PeriodChurnChild() {
    }

    static String sender(int i) {
        return String.format("c4n4ry00-0000-4000-8000-%012d", i);
    }

    static String text(int i) {
        return "message " + i;
    }

    public static void main(String[] args) throws Exception {
        Path dataDir = Path.of(args[0]);
        Path keyFile = Path.of(args[1]);
        Path progress = Path.of(args[2]);
        TestSupport.MutableClock clock = new TestSupport.MutableClock(FIRST_DAY);
        try (MasterKey master = KeyRotation.loadKey(dataDir, keyFile); KeyRing keys = new KeyRing(master)) {
            Vault vault = Vault.open(dataDir, keys, clock, Retention.DEFAULTS);
            long previous = -1;
            for (int i = 0; ; i++) {
                long id = vault.journal().accept(sender(i), text(i), 1_000L + i, false);
                Files.writeString(progress, i + "\n", StandardOpenOption.CREATE,
                        StandardOpenOption.APPEND);
                System.out.println("ACCEPTED " + i);
                System.out.flush();
                if (previous >= 0) vault.journal().complete(previous, List.of("answer " + (i - 1)));
                for (OutboxItem item : vault.outbox().due(10)) vault.outbox().delivered(item.id());
                vault.purgeExpired();
                previous = id;
                clock.advance(Duration.ofDays(1));
            }
        }
    }

    /** Runs the child, SIGKILLs it right after it reports {@code ACCEPTED killAfter}; returns the last accepted i. */
    static int churnThenKill(int killAfter, String... args) throws Exception {
        Process child = CrashChild.start(PeriodChurnChild.class, args);
        int last;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            CompletableFuture<Integer> reached = CompletableFuture.supplyAsync(() -> {
                int seen = -1;
                try {
                    for (String line; (line = out.readLine()) != null; ) {
                        if (line.startsWith("ACCEPTED ")) seen = Integer.parseInt(line.substring(9));
                        if (seen >= killAfter) return seen;
                    }
                } catch (java.io.IOException e) {
                    return seen;
                }
                return seen;
            });
            last = reached.get(120, TimeUnit.SECONDS);
            child.destroyForcibly(); // SIGKILL, while the child goes on with the next day
            if (!child.waitFor(30, TimeUnit.SECONDS)) throw new IllegalStateException("child did not die");
        } finally {
            child.destroyForcibly();
        }
        // the child may have gone on after the line we saw: its progress file says how far it committed
        for (String line : Files.readAllLines(Path.of(args[2]))) {
            if (!line.isBlank()) last = Math.max(last, Integer.parseInt(line.trim()));
        }
        return last;
    }
}
