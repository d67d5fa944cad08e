package org.dari.store;

import org.dari.log.SafeLog;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Replaces the master key of a key-file vault (stop the bot first: the vault allows one process).
 *
 * <p>Steps, each durable before the next: (1) the new key is written to {@code <keyfile>.new};
 * (2) every row is re-sealed and every pseudonym recomputed under the new key in one transaction;
 * (3) the old key file is overwritten with zeros, fsynced and deleted; (4) {@code <keyfile>.new} is
 * renamed to {@code <keyfile>}. Sealed files ({@link SealedFile}) are re-sealed to {@code <file>.new} in
 * step 1 and moved into place after step 4. The day keys ({@link PeriodKeys}) are not replaced: rows
 * keep their day key and are re-sealed only because their pseudonyms and associated data change; the
 * day key file is re-wrapped under the new master key to {@code dari.periods.new} in step 2, just
 * before the transaction, and moved into place after step 4, or by the first {@link Vault#open}
 * under the new key, or discarded when the old key is kept (see {@link PeriodKeys}). A crash at any point leaves at most two keys, and
 * {@link #loadKey} keeps the one that passes the database's key check and destroys the other. A
 * failure that is not a crash (say the checkpoint after the re-seal hits a full disk) is settled the
 * same way at once: whichever key opens the database is kept, never the other by default.
 */
public final class KeyRotation {
    private static final SafeLog LOG = SafeLog.of(KeyRotation.class);

    private KeyRotation() {
    }

    public static void rotate(Path dataDir, Path keyFile) {
        rotate(dataDir, keyFile, step -> { });
    }

    /** The points inside {@link #rotate} after which a test may inject a failure. */
    enum Step { STAGED, SEALED_FILES_STAGED, RESEALED, OLD_KEY_DESTROYED, KEY_PROMOTED, SEALED_FILES_PROMOTED }

    /** Called after each {@link Step}; a test throws from it to simulate a crash-free failure there. */
    interface StepHook {
        void after(Step step);
    }

    static void rotate(Path dataDir, Path keyFile, StepHook hook) {
        try (MasterKey current = loadKey(dataDir, keyFile); MasterKey next = MasterKey.generate()) {
            stage(keyFile, next);
            try {
                hook.after(Step.STAGED);
                stageSealedFiles(dataDir, current, next);
                hook.after(Step.SEALED_FILES_STAGED);
                reseal(dataDir, current, next);
                hook.after(Step.RESEALED);
                KeyFile.destroy(keyFile);
                hook.after(Step.OLD_KEY_DESTROYED);
                moveIntoPlace(keyFile);
                hook.after(Step.KEY_PROMOTED);
                SealedFile.ALL.forEach(f -> f.promote(dataDir));
                try (KeyRing ring = new KeyRing(next)) {
                    PeriodKeys.settleStaged(dataDir, ring);
                }
                hook.after(Step.SEALED_FILES_PROMOTED);
            } catch (RuntimeException e) {
                settleAfterFailure(dataDir, keyFile, next, e);
                throw e;
            }
        }
        LOG.info("keys.rotated");
    }

    /**
     * A step failed: the re-seal may or may not have committed (a failed checkpoint after the commit
     * looks like any other failure). Keep whichever key opens the database; if that cannot be told
     * now (the database does not open at all), keep both files and let {@link #loadKey} decide at
     * the next start. Never destroys the only key that opens the data.
     */
    private static void settleAfterFailure(Path dataDir, Path keyFile, MasterKey next, RuntimeException failure) {
        try {
            boolean staged = Files.exists(staged(keyFile));
            boolean nextOpens = !Vault.exists(dataDir) || opens(dataDir, next);
            if (nextOpens) {
                if (staged) {
                    if (Files.exists(keyFile)) KeyFile.destroy(keyFile);
                    moveIntoPlace(keyFile);
                }
                SealedFile.ALL.forEach(f -> f.promote(dataDir));
                try (KeyRing ring = new KeyRing(next)) {
                    PeriodKeys.settleStaged(dataDir, ring);
                }
                LOG.warn("keys.rotation.failed.new_key_kept");
            } else if (staged && Files.exists(keyFile)) {
                SealedFile.ALL.forEach(f -> f.discardStaged(dataDir));
                PeriodKeys.discardStaged(dataDir);
                KeyFile.destroy(staged(keyFile));
                LOG.warn("keys.rotation.failed.old_key_kept");
            }
        } catch (RuntimeException undecided) {
            failure.addSuppressed(undecided);
            LOG.warn("keys.rotation.failed.undecided");
        }
    }

    /**
     * The key for {@code dataDir}: finishes or undoes an interrupted rotation, then loads the key
     * file, creating it only if there is no database yet. Use this rather than {@link KeyFile}
     * directly when opening a vault.
     */
    public static MasterKey loadKey(Path dataDir, Path keyFile) {
        requireSafeDataDir(dataDir);
        Path staged = staged(keyFile);
        KeyFile.destroy(SecureFiles.sibling(keyFile, ".tmp"));
        KeyFile.destroy(SecureFiles.sibling(staged, ".tmp"));
        boolean database = Vault.exists(dataDir);
        if (Files.exists(staged)) {
            boolean stagedOpens;
            try (MasterKey candidate = KeyFile.load(staged)) {
                stagedOpens = database && opens(dataDir, candidate);
            }
            if (stagedOpens || !Files.exists(keyFile)) {
                promote(keyFile);
                LOG.info("keys.rotation.completed");
            } else {
                KeyFile.destroy(staged);
                PeriodKeys.discardStaged(dataDir);
                LOG.info("keys.rotation.undone");
            }
        }
        if (database && !Files.exists(keyFile)) {
            throw new VaultException(VaultException.Problem.KEY_FILE,
                    "the key file of an existing database is missing: " + keyFile);
        }
        MasterKey key = KeyFile.loadOrCreate(keyFile);
        try (KeyRing ring = new KeyRing(key)) {
            // no rotation is under way now: a re-wrapped day key file left by one is settled for this key
            PeriodKeys.settleStaged(dataDir, ring);
        } catch (RuntimeException e) {
            key.close();
            throw e;
        }
        return key;
    }

    /**
     * Refuses a data folder or database that is a symbolic link, belongs to another user or is
     * writable by group or others: someone who pre-created it (say {@code /tmp/dari-demo}) could
     * otherwise read or swap what the bot keeps there.
     */
    static void requireSafeDataDir(Path dataDir) {
        try {
            SecureFiles.requireSafe(dataDir, SecureFiles.Kind.DATA_FOLDER);
            SecureFiles.requireSafe(dataDir.resolve(Vault.DATABASE_FILE), SecureFiles.Kind.DATABASE);
        } catch (java.io.IOException refused) {
            throw new VaultException(VaultException.Problem.KEY_FILE, "refused: " + refused.getMessage());
        }
    }

    static Path staged(Path keyFile) {
        return SecureFiles.sibling(keyFile, ".new");
    }

    /** Step 1: the new key, durable, beside the old one. */
    static void stage(Path keyFile, MasterKey next) {
        KeyFile.write(staged(keyFile), next);
    }

    /** Step 1b: each sealed file also under the new key, as {@code <file>.new}; {@link SealedFile#read} settles a crash. */
    static void stageSealedFiles(Path dataDir, MasterKey current, MasterKey next) {
        if (Vault.exists(dataDir) && !opens(dataDir, current)) {
            throw new VaultException(VaultException.Problem.WRONG_KEY, VaultException.WRONG_KEY_MESSAGE);
        }
        try (KeyRing from = new KeyRing(current); KeyRing to = new KeyRing(next)) {
            for (SealedFile file : SealedFile.ALL) file.stage(dataDir, from, to);
        }
    }

    /** Step 2: one transaction that re-seals everything under the new key. */
    static void reseal(Path dataDir, MasterKey current, MasterKey next) {
        try (KeyRing from = new KeyRing(current); KeyRing to = new KeyRing(next);
             Vault vault = Vault.open(dataDir, from, Clock.systemUTC(), Retention.DEFAULTS)) {
            vault.rekey(to);
        }
    }

    /** Steps 3 and 4: destroy the old key, move the new one into its place. */
    static void promote(Path keyFile) {
        KeyFile.destroy(keyFile);
        moveIntoPlace(keyFile);
    }

    private static void moveIntoPlace(Path keyFile) {
        try {
            SecureFiles.moveAtomically(staged(keyFile), keyFile);
        } catch (java.io.IOException e) {
            throw new VaultException(VaultException.Problem.KEY_FILE, "new key file cannot be moved into place: " + keyFile, e);
        }
    }

    private static boolean opens(Path dataDir, MasterKey key) {
        try (KeyRing ring = new KeyRing(key);
             Vault vault = Vault.open(dataDir, ring, Clock.systemUTC(), Retention.DEFAULTS)) {
            return true;
        } catch (VaultException e) {
            if (e.problem() == VaultException.Problem.WRONG_KEY) return false;
            throw e;
        }
    }
}
