package org.dari.referral;

import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OrganisationRegistryTest {
    private static final String UUID_ACCOUNT = "5e3c1a2b-7d4f-4a1e-9b2c-0f1e2d3c4b5a";
    private static final String NUMBER_ACCOUNT = "+821055512345";
    private static final String SAFETY = "1".repeat(60);

    @TempDir
    Path dir;
    private PGPSecretKeyRing orgKey;

    @BeforeEach
    void keys() throws Exception {
        Files.copy(TestKeys.DEMO_PUBLIC, dir.resolve("demo.asc"));
        orgKey = TestKeys.curve25519("Example org <keys@example.invalid>");
        Files.createDirectories(dir.resolve("keys"));
        TestKeys.writePublic(dir.resolve("keys"), "example.asc", orgKey);
    }

    private String exampleOrg(String id, String fingerprint, String account, String extra) {
        return """
                  - id: %s
                    names: {ko: 예시 단체, en: Example organisation}
                    services: [legal-information, shelter]
                    languages: [ko]
                    provinces: [jilin, liaoning]
                    keys:
                      - file: keys/example.asc
                        fingerprint: "%s"
                    caseworkers:
                      - account: "%s"
                        safety_number: "%s"
                    active: true
                %s""".formatted(id, fingerprint, account, SAFETY, extra);
    }

    private Path write(String... organisations) throws Exception {
        Path file = dir.resolve("organisations.yaml");
        Files.writeString(file, "organisations:\n" + String.join("", organisations));
        return file;
    }

    private List<String> problems(Path file) {
        RegistryException e = assertThrows(RegistryException.class, () -> OrganisationRegistry.load(file, Clock.systemUTC()));
        for (String p : e.problems()) {
            assertEquals(1, p.lines().count(), "one line: " + p);
            assertFalse(p.contains(UUID_ACCOUNT) || p.contains(NUMBER_ACCOUNT) || p.contains("demo-caseworker"),
                    "no caseworker account in a problem: " + p);
            assertFalse(p.contains("BEGIN PGP"), p);
        }
        return e.problems();
    }

    private static boolean any(List<String> problems, String... parts) {
        return problems.stream().anyMatch(p -> List.of(parts).stream().allMatch(p::contains));
    }

    @Test
    void theShippedRegistryListsTheDemoOrganisation() throws Exception {
        OrganisationRegistry registry = OrganisationRegistry.load(TestKeys.REGISTRY, Clock.systemUTC());
        assertEquals(1, registry.organisations().size());
        Organisation demo = registry.byId("demo").orElseThrow();
        assertTrue(demo.demo() && demo.active());
        assertTrue(registry.listsDemo());
        assertEquals("시험용 단체 (진짜 아님)", demo.name("ko"));
        assertEquals("Demo organisation (not real)", demo.name("en"));
        assertEquals(EnumSet.allOf(Service.class), demo.services());
        assertEquals(Set.of("ko", "en"), demo.languages());
        assertTrue(demo.provinces().isEmpty() && demo.servesProvince("jilin"));
        assertEquals(DemoOrganisation.FINGERPRINT, demo.keys().get(0).fingerprint());
        assertEquals(List.of("demo-caseworker", "demo-caseworker-2"), demo.caseworkers().stream().map(Caseworker::account).toList());
        assertEquals(demo, registry.organisationOf("demo-caseworker-2").orElseThrow());
        assertTrue(registry.caseworker("demo-caseworker").isPresent());
        assertTrue(registry.organisationOf("demo-caseworker-3").isEmpty());
        assertTrue(registry.organisationOf("demo").isEmpty(), "an organisation id is not an account");
        assertTrue(registry.warnings().isEmpty(), registry.warnings().toString());
        assertFalse(demo.caseworkers().toString().contains("demo-caseworker"), "caseworkers print redacted");
    }

    @Test
    void aRealOrganisationLoadsAndIsFoundByItsCaseworkers() throws Exception {
        String fp = KeyCheck.grouped(TestKeys.fingerprint(orgKey)).toLowerCase();
        Path file = write(exampleOrg("example", fp, UUID_ACCOUNT.toUpperCase(), ""));
        OrganisationRegistry registry = OrganisationRegistry.load(file, Clock.systemUTC());
        Organisation org = registry.byId("example").orElseThrow();
        assertFalse(registry.listsDemo());
        assertEquals(Set.of(Service.LEGAL_INFORMATION, Service.SHELTER), org.services());
        assertTrue(org.serves(Service.SHELTER, "ko") && !org.serves(Service.SHELTER, "en") && !org.serves(Service.MEDICAL, "ko"));
        assertTrue(org.servesProvince("jilin") && !org.servesProvince("heilongjiang"));
        assertEquals(org, registry.organisationOf(UUID_ACCOUNT).orElseThrow(), "Signal sends UUIDs in lower case");
        assertEquals(dir.resolve("keys/example.asc"), org.keys().get(0).file());
    }

    @Test
    void anUnknownFieldIsRefused() throws Exception {
        Path file = write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, "    colour: blue\n"));
        List<String> problems = problems(file);
        assertTrue(any(problems, "unknown field 'colour'", "organisations[0]"), problems.toString());

        Files.writeString(file, Files.readString(file).replace("safety_number", "safety_numbr").replace("    colour: blue\n", ""));
        assertTrue(any(problems(file), "unknown field 'safety_numbr'", "caseworkers[0]"));
    }

    @Test
    void aDuplicateIdIsRefused() throws Exception {
        Path file = write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, ""),
                exampleOrg("example", TestKeys.fingerprint(orgKey), UUID_ACCOUNT, ""));
        assertTrue(any(problems(file), "organisation example", "id is used by more than one organisation"));
    }

    @Test
    void aMissingKeyFileIsRefused() throws Exception {
        Path file = write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, "")
                .replace("keys/example.asc", "keys/missing.asc"));
        assertTrue(any(problems(file), "organisation example", "keys/missing.asc", "key file not found"));
    }

    @Test
    void aKeyThatDoesNotMatchItsPinIsRefused() throws Exception {
        Path file = write(exampleOrg("example", DemoOrganisation.FINGERPRINT, NUMBER_ACCOUNT, ""));
        assertTrue(any(problems(file), "organisation example", "does not match the pinned"));
    }

    @Test
    void aCaseworkerMayBelongToOneOrganisationOnly() throws Exception {
        Path file = write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, ""),
                exampleOrg("other", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, ""));
        assertTrue(any(problems(file), "organisation other", "caseworker #1", "already listed for organisation example"));
    }

    @Test
    void malformedEntriesAreEachNamedWithoutTheirValues() throws Exception {
        String bad = exampleOrg("example", TestKeys.fingerprint(orgKey), "demo-caseworker", "")
                .replace("[legal-information, shelter]", "[legal-information, housing]")
                .replace("languages: [ko]", "languages: [ko, zh]")
                .replace("\"" + SAFETY + "\"", "\"12345\"");
        Path file = write(bad, exampleOrg("nobody", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, "")
                .replace("      - account: \"" + NUMBER_ACCOUNT + "\"\n        safety_number: \"" + SAFETY + "\"\n", "")
                .replace("caseworkers:\n", "caseworkers: []\n"));
        List<String> problems = problems(file);
        assertTrue(any(problems, "unknown service 'housing'"), problems.toString());
        assertTrue(any(problems, "unknown language 'zh'"), problems.toString());
        assertTrue(any(problems, "caseworker #1", "not a Signal UUID"), "a console name is for the demo only: " + problems);
        assertTrue(any(problems, "organisation nobody", "needs at least one caseworker"), problems.toString());
    }

    @Test
    void onlyTheDemoOrganisationMayUseThePublicDemoKey() throws Exception {
        Path file = write(exampleOrg("example", DemoOrganisation.FINGERPRINT, NUMBER_ACCOUNT, "")
                .replace("keys/example.asc", "demo.asc"));
        assertTrue(any(problems(file), "organisation example", "is the public demo key"));
    }

    @Test
    void anInactiveOrganisationsExpiredKeyIsAWarningAndAnActiveOnesExpiringKeyWarns() throws Exception {
        PGPSecretKeyRing soon = TestKeys.expiring(Instant.now().plus(Duration.ofDays(12)));
        TestKeys.writePublic(dir.resolve("keys"), "soon.asc", soon);
        Path file = write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, ""),
                exampleOrg("soon", TestKeys.fingerprint(soon), UUID_ACCOUNT, "").replace("keys/example.asc", "keys/soon.asc"));
        OrganisationRegistry registry = OrganisationRegistry.load(file, Clock.systemUTC());
        assertTrue(registry.warnings().stream().anyMatch(w -> w.startsWith("organisation soon: key ") && w.contains("expires in 1")),
                registry.warnings().toString());

        Clock later = Clock.offset(Clock.systemUTC(), Duration.ofDays(13));
        assertThrows(RegistryException.class, () -> OrganisationRegistry.load(file, later), "an active organisation's expired key");
        write(exampleOrg("example", TestKeys.fingerprint(orgKey), NUMBER_ACCOUNT, ""),
                exampleOrg("soon", TestKeys.fingerprint(soon), UUID_ACCOUNT, "").replace("keys/example.asc", "keys/soon.asc")
                        .replace("active: true", "active: false"));
        OrganisationRegistry withInactive = OrganisationRegistry.load(file, later);
        assertFalse(withInactive.byId("soon").orElseThrow().active());
        assertTrue(withInactive.warnings().stream().anyMatch(w -> w.contains("organisation soon (inactive)") && w.contains("expired")),
                withInactive.warnings().toString());
        assertEquals(List.of("example"), withInactive.active().stream().map(Organisation::id).toList());
    }

    @Test
    void notYamlAndAMissingFileAreOneClearProblem() throws Exception {
        Path file = dir.resolve("organisations.yaml");
        Files.writeString(file, "organisations:\n  - id: \"unterminated\n");
        List<String> notYaml = problems(file);
        assertTrue(notYaml.get(0).contains("not valid YAML"), notYaml.toString());
        Files.writeString(file, "organisations:\n  - id: x\n    active: maybe\n");
        List<String> wrongType = problems(file);
        assertTrue(wrongType.get(0).contains("wrong type"), wrongType.toString());
        assertTrue(problems(dir.resolve("absent.yaml")).get(0).contains("not found"));
    }
}
