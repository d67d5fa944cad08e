package org.dari.conversation;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;

/**
 * One hand-over from the transport while its messages are answered. Each message ends either
 * <em>in time</em> (its reply is stored with the hand-over, and the message is never journaled) or
 * <em>late</em> (journaled with the hand-over, its reply recorded afterwards against its journal id,
 * as a message recovered after a restart is). The hand-over closes at one moment: what was answered
 * before is in time, everything after is late.
 *
 * <p>A person's replies keep their order: her messages are answered one after another, so her
 * in-time messages are the first of hers, and once one of hers is late (an erasure always is), every
 * later one of hers in the hand-over is too. Hand-overs are stored one after another, and a late
 * reply is queued for the store before her next message is answered.
 */
final class HandOver {
    private final Reply[] replies;
    private final boolean[] late;
    private final CompletableFuture<Long>[] journalIds;
    private final Set<String> latePeople = new HashSet<>();
    private int settled;
    private boolean closed;

    @SuppressWarnings("unchecked")
    HandOver(int size) {
        replies = new Reply[size];
        late = new boolean[size];
        journalIds = new CompletableFuture[size];
        for (int i = 0; i < size; i++) journalIds[i] = new CompletableFuture<>();
    }

    int size() {
        return replies.length;
    }

    /**
     * The reply to message {@code i}, from the person {@code key}: true if it is stored with the
     * hand-over; false if the message is late, and {@code journaled} is given its journal id once it
     * is journaled (at once if it already is).
     */
    boolean answer(int i, String key, Reply reply, LongConsumer journaled) {
        synchronized (this) {
            settled++;
            if (settled == replies.length) notifyAll();
            if (!closed && !reply.eraseSender() && !latePeople.contains(key)) {
                replies[i] = reply;
                return true;
            }
            late[i] = true;
            latePeople.add(key);
        }
        journalIds[i].thenAccept(journaled::accept);
        return false;
    }

    /** Waits until every message is answered, or for at most {@code nanos}. */
    synchronized void await(long nanos) throws InterruptedException {
        long deadline = System.nanoTime() + nanos;
        while (settled < replies.length) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return;
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** Closes the hand-over: every message not answered by now is late. */
    synchronized void close() {
        closed = true;
        for (int i = 0; i < replies.length; i++) {
            if (replies[i] == null) late[i] = true;
        }
    }

    /** After {@link #close}: message {@code i}'s reply if it was answered in time, else null. */
    synchronized Reply inTimeReply(int i) {
        return late[i] ? null : replies[i];
    }

    /** After the hand-over is stored: late message {@code i}'s journal id. */
    void journaled(int i, long journalId) {
        journalIds[i].complete(journalId);
    }
}
