package org.dari.conversation;

/** Erases everything stored about one person (journal, outbox, referral links). */
@FunctionalInterface
public interface PersonEraser {
    /** Returns how many stored records were removed. */
    int erase(String sender);
}
