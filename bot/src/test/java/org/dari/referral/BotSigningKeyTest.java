package org.dari.referral;

import org.dari.store.KeyFile;
import org.dari.store.KeyRing;
import org.dari.store.KeyRotation;
import org.dari.store.MasterKey;
import org.dari.store.SealedFile;
import org.dari.store.VaultException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BotSigningKeyTest {
    @TempDir
    Path tmp;

    private Path data() {
        return tmp.resolve("data");
    }

    private Path keyFile() {
        return data().resolve("master.key");
    }

    private BotSigningKey loadOrCreate() {
        try (MasterKey master = KeyRotation.loadKey(data(), keyFile()); KeyRing keys = new KeyRing(master)) {
            return BotSigningKey.loadOrCreate(data(), keys);
        }
    }

    @Test
    void theKeyIsCreatedOnceStoredSealedAndReopenedWithTheSameMasterKey() throws Exception {
        BotSigningKey created = loadOrCreate();
        Path file = SealedFile.BOT_SIGNING_KEY.path(data());
        String onDisk = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
        assertFalse(onDisk.contains("BEGIN PGP"), "the stored file is not the armored key");
        String base64Line = new String(created.armoredSecret(), StandardCharsets.UTF_8).lines()
                .filter(l -> l.length() == 64).findFirst().orElseThrow();
        assertFalse(onDisk.contains(base64Line), "no part of the armored key");

        BotSigningKey reopened = loadOrCreate();
        assertEquals(created.fingerprint(), reopened.fingerprint());
        assertTrue(created.armoredPublic().startsWith("-----BEGIN PGP PUBLIC KEY BLOCK-----"));
        assertFalse(created.armoredPublic().contains("PRIVATE"));
        assertEquals(4, created.certificate().getPublicKey().getVersion());
        assertFalse(created.toString().contains("BEGIN"));

        try (MasterKey other = MasterKey.generate(); KeyRing keys = new KeyRing(other)) {
            assertThrows(VaultException.class, () -> BotSigningKey.load(data(), keys));
        }
    }

    @Test
    void theKeySurvivesRotationAndStillSigns() throws Exception {
        BotSigningKey before = loadOrCreate();
        byte[] sealedBefore = Files.readAllBytes(SealedFile.BOT_SIGNING_KEY.path(data()));
        byte[] masterBefore = Files.readAllBytes(keyFile());
        KeyRotation.rotate(data(), keyFile());
        assertFalse(java.util.Arrays.equals(masterBefore, Files.readAllBytes(keyFile())), "a new master key");
        assertFalse(java.util.Arrays.equals(sealedBefore, Files.readAllBytes(SealedFile.BOT_SIGNING_KEY.path(data()))), "re-sealed");

        BotSigningKey after;
        try (MasterKey master = KeyFile.load(keyFile()); KeyRing keys = new KeyRing(master)) {
            after = BotSigningKey.load(data(), keys).orElseThrow();
        }
        assertEquals(before.fingerprint(), after.fingerprint());
        byte[] sealed = new ReferralSealer(after).seal(new ReferralContent("ABCD-EFGH", Service.MEDICAL, "en", Optional.empty(),
                "", false, LocalDate.of(2026, 1, 2)), List.of(TestKeys.demoPublic()));
        assertTrue(ReferralOpener.open(sealed, TestKeys.demoSecret(), Optional.of(before.certificate())).signatureVerified());
    }

    @Test
    void armoredSecretRoundTrips() {
        BotSigningKey key = BotSigningKey.create("test");
        assertEquals(key.fingerprint(), BotSigningKey.fromArmoredSecret(key.armoredSecret()).fingerprint());
        assertThrows(ReferralException.class, () -> BotSigningKey.fromArmoredSecret("not a key".getBytes(StandardCharsets.UTF_8)));
    }
}
