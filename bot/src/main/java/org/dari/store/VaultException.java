package org.dari.store;

import java.sql.SQLException;

/**
 * Any failure of the store, with a fixed message a person operating the bot can act on. The
 * message may name a file of ours but never holds user data or key material; a cause is kept only
 * as its class name and stack trace (see {@link Scrubbed}), since library messages may quote data.
 */
public final class VaultException extends RuntimeException {
    public enum Problem {
        /** the key does not open this database */
        WRONG_KEY,
        /** a sealed value failed to open: wrong key, tampering, or damage */
        UNREADABLE_DATA,
        /** the file is not an SQLite database of Dari, or it is damaged */
        NOT_A_DATABASE,
        /** the database was written by a newer version of Dari */
        NEWER_SCHEMA,
        /** another process has the database open */
        IN_USE,
        /** a key file or salt file is missing, unsafe, or malformed */
        KEY_FILE,
        /** the passphrase is missing or too short */
        PASSPHRASE,
        /** the disk holding the database is full: writes fail until there is room again */
        DISK_FULL,
        /** input/output or SQLite failure */
        STORAGE
    }

    static final String UNREADABLE = "stored data could not be decrypted: wrong key or damaged data";
    static final String WRONG_KEY_MESSAGE = "this key does not open this database";

    private final Problem problem;

    VaultException(Problem problem, String message) {
        this(problem, message, null);
    }

    VaultException(Problem problem, String message, Throwable cause) {
        super(message, cause == null ? null : Scrubbed.of(cause, 0));
        this.problem = problem;
    }

    static VaultException unreadable(Throwable cause) {
        return new VaultException(Problem.UNREADABLE_DATA, UNREADABLE, cause);
    }

    public Problem problem() {
        return problem;
    }

    /** Stands in for a cause: same class name (and SQLite code) and stack trace, no message. */
    static final class Scrubbed extends Exception {
        private Scrubbed(String description, Throwable cause) {
            super(description, cause);
        }

        static Scrubbed of(Throwable t, int depth) {
            String description = t.getClass().getName()
                    + (t instanceof SQLException sql ? " (code " + sql.getErrorCode() + ")" : "");
            Throwable cause = t.getCause() == null || t.getCause() == t || depth > 8
                    ? null : of(t.getCause(), depth + 1);
            Scrubbed scrubbed = new Scrubbed(description, cause);
            scrubbed.setStackTrace(t.getStackTrace());
            return scrubbed;
        }
    }
}
