package org.dari.referral;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The vetted organisations, from {@code config/organisations.yaml} (format in that file's header).
 * {@link #load} checks everything, every key included, and refuses the whole file on any problem:
 * a half-loaded registry could send a referral to the wrong place. Problems of an inactive
 * organisation's keys are warnings, since nothing is sent to it.
 */
public final class OrganisationRegistry {
    static final Set<String> LANGUAGES = Set.of("ko", "en");
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9-]{0,39}");
    private static final Pattern PROVINCE = Pattern.compile("[a-z][a-z-]{0,39}");
    private static final Pattern UUID = Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern NUMBER = Pattern.compile("\\+[1-9][0-9]{6,14}");
    private static final Pattern CONSOLE_NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");

    private final List<Organisation> organisations;
    private final List<String> warnings;
    private final Map<String, Organisation> byAccount;

    private OrganisationRegistry(List<Organisation> organisations, List<String> warnings) {
        this.organisations = List.copyOf(organisations);
        this.warnings = List.copyOf(warnings);
        Map<String, Organisation> accounts = new HashMap<>();
        for (Organisation o : organisations) for (Caseworker c : o.caseworkers()) accounts.put(c.account(), o);
        this.byAccount = Map.copyOf(accounts);
    }

    public static OrganisationRegistry empty() {
        return new OrganisationRegistry(List.of(), List.of());
    }

    public static OrganisationRegistry load(Path yamlFile, Clock clock) throws RegistryException {
        RawRegistry raw = parse(yamlFile);
        Path folder = yamlFile.toAbsolutePath().getParent();
        List<String> problems = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<Organisation> result = new ArrayList<>();
        Map<String, String> accountOwner = new HashMap<>();
        Set<String> ids = new LinkedHashSet<>();
        List<RawOrg> orgs = raw.organisations() == null ? List.of() : raw.organisations();
        for (int i = 0; i < orgs.size(); i++) {
            RawOrg o = orgs.get(i);
            if (o == null) {
                problems.add("organisations[" + i + "]: empty entry");
                continue;
            }
            String where = o.id() == null || o.id().isBlank() ? "organisations[" + i + "]" : "organisation " + o.id();
            List<String> own = new ArrayList<>();
            if (o.id() == null || !ID.matcher(o.id()).matches()) {
                own.add("id is missing or not made of a-z, 0-9 and '-' (at most 40)");
            } else if (!ids.add(o.id())) {
                own.add("id is used by more than one organisation");
            }
            if (o.names() == null || blank(o.names().ko()) || blank(o.names().en())) {
                own.add("names.ko and names.en are both required");
            }
            if (o.active() == null) own.add("active (true or false) is required");
            boolean active = Boolean.TRUE.equals(o.active());
            boolean demo = Boolean.TRUE.equals(o.demo());

            Set<Service> services = new LinkedHashSet<>();
            for (String s : list(o.services())) {
                Optional<Service> service = Service.byId(s);
                if (service.isPresent()) services.add(service.get());
                else own.add("unknown service '" + s + "' (known: " + Arrays.stream(Service.values()).map(Service::id)
                        .collect(Collectors.joining(", ")) + ")");
            }
            if (services.isEmpty()) own.add("no services listed");
            Set<String> languages = new LinkedHashSet<>();
            for (String l : list(o.languages())) {
                if (l != null && LANGUAGES.contains(l)) languages.add(l);
                else own.add("unknown language '" + l + "' (known: ko, en)");
            }
            if (languages.isEmpty()) own.add("no languages listed");
            Set<String> provinces = new LinkedHashSet<>();
            for (String p : list(o.provinces())) {
                if (p != null && PROVINCE.matcher(p).matches()) provinces.add(p);
                else own.add("a province id is not made of a-z and '-'");
            }

            List<OrgKey> keys = new ArrayList<>();
            Set<String> fingerprints = new LinkedHashSet<>();
            List<String> keyProblems = new ArrayList<>();
            for (RawKey k : list(o.keys())) {
                if (k == null || blank(k.file()) || blank(k.fingerprint())) {
                    own.add("every key needs file and fingerprint");
                    continue;
                }
                Path file = folder.resolve(k.file()).normalize();
                KeyCheck.Result check = KeyCheck.check(file, Optional.of(k.fingerprint()), clock);
                check.errors().forEach(e -> keyProblems.add("key " + k.file() + ": " + e));
                check.warnings().forEach(w -> warnings.add(where + ": " + w));
                if (check.ok()) {
                    if (!demo && DemoOrganisation.FINGERPRINT.equals(check.fingerprint())) {
                        own.add("key " + k.file() + " is the public demo key; only an organisation marked demo: true may use it");
                    } else if (!fingerprints.add(check.fingerprint())) {
                        own.add("key " + k.file() + " is listed twice");
                    } else {
                        keys.add(new OrgKey(check.fingerprint(), file, check.ring().orElseThrow(), check.expires()));
                    }
                }
            }
            if (active) own.addAll(keyProblems);
            else keyProblems.forEach(p -> warnings.add(where + " (inactive): " + p));
            if (active && keys.isEmpty() && keyProblems.isEmpty()) own.add("an active organisation needs at least one key");

            List<Caseworker> caseworkers = new ArrayList<>();
            List<RawCaseworker> rawCaseworkers = list(o.caseworkers());
            for (int c = 0; c < rawCaseworkers.size(); c++) {
                RawCaseworker cw = rawCaseworkers.get(c);
                String label = "caseworker #" + (c + 1);
                if (cw == null || blank(cw.account())) {
                    own.add(label + ": account is missing");
                    continue;
                }
                String account = normalizeAccount(cw.account());
                boolean wellFormed = UUID.matcher(account).matches() || NUMBER.matcher(account).matches()
                        || (demo && CONSOLE_NAME.matcher(account).matches());
                if (!wellFormed) {
                    own.add(label + ": account is not a Signal UUID or an international +number"
                            + (demo ? " or a console name" : ""));
                    continue;
                }
                String safety = cw.safetyNumber() == null ? "" : cw.safetyNumber().replaceAll("\\s+", "");
                if (!safety.matches("[0-9]{60}")) {
                    own.add(label + ": safety_number must be the 60 digits verified with the caseworker");
                    continue;
                }
                String owner = accountOwner.putIfAbsent(account, o.id() == null ? where : o.id());
                if (owner != null) {
                    own.add(label + ": the same account is already listed " + (owner.equals(o.id()) ? "for this organisation"
                            : "for organisation " + owner));
                    continue;
                }
                caseworkers.add(new Caseworker(account, safety));
            }
            if (active && caseworkers.isEmpty() && rawCaseworkers.isEmpty()) own.add("an active organisation needs at least one caseworker");

            own.forEach(p -> problems.add(where + ": " + p));
            if (own.isEmpty()) {
                result.add(new Organisation(o.id(), o.names().ko().strip(), o.names().en().strip(), services, languages,
                        provinces, keys, caseworkers, active, demo));
            }
        }
        if (!problems.isEmpty()) throw new RegistryException(problems.stream().map(p -> yamlFile.getFileName() + ": " + p).toList());
        return new OrganisationRegistry(result, warnings);
    }

    public List<Organisation> organisations() {
        return organisations;
    }

    /** Active organisations only. */
    public List<Organisation> active() {
        return organisations.stream().filter(Organisation::active).toList();
    }

    public List<String> warnings() {
        return warnings;
    }

    public Optional<Organisation> byId(String id) {
        return organisations.stream().filter(o -> o.id().equals(id)).findFirst();
    }

    /** The organisation a sender belongs to, if the sender is a registered caseworker account. */
    public Optional<Organisation> organisationOf(String caseworkerAccount) {
        if (caseworkerAccount == null) return Optional.empty();
        return Optional.ofNullable(byAccount.get(normalizeAccount(caseworkerAccount)));
    }

    public Optional<Caseworker> caseworker(String account) {
        if (account == null) return Optional.empty();
        String normal = normalizeAccount(account);
        return organisationOf(normal).flatMap(o -> o.caseworkers().stream().filter(c -> c.account().equals(normal)).findFirst());
    }

    /** True when any listed organisation is the demo organisation, whose secret key is public. */
    public boolean listsDemo() {
        return organisations.stream().anyMatch(Organisation::demo);
    }

    @Override
    public String toString() {
        return "OrganisationRegistry[" + organisations.size() + " organisations]";
    }

    /** Signal sends UUIDs in lower case; a registry may hold them in either. */
    static String normalizeAccount(String account) {
        String a = account.strip();
        return UUID.matcher(a).matches() ? a.toLowerCase(Locale.ROOT) : a;
    }

    private static RawRegistry parse(Path file) throws RegistryException {
        if (!Files.isRegularFile(file)) throw new RegistryException(List.of("organisation registry not found: " + file));
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory()).enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);
        try {
            RawRegistry raw = yaml.readValue(file.toFile(), RawRegistry.class);
            return raw == null ? new RawRegistry(List.of()) : raw;
        } catch (UnrecognizedPropertyException e) {
            throw new RegistryException(List.of(file.getFileName() + ": unknown field '" + e.getPropertyName() + "'"
                    + in(e) + line(e)));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof StreamReadException) {
                throw new RegistryException(List.of(file.getFileName() + ": not valid YAML" + line(e)));
            }
            throw new RegistryException(List.of(file.getFileName() + ": wrong type or shape" + in(e) + line(e)));
        } catch (JsonProcessingException e) {
            throw new RegistryException(List.of(file.getFileName() + ": not valid YAML" + line(e)));
        } catch (IOException e) {
            throw new RegistryException(List.of(file.getFileName() + ": cannot be read"));
        }
    }

    private static String in(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        List<JsonMappingException.Reference> refs = e.getPath();
        int last = e instanceof UnrecognizedPropertyException ? refs.size() - 1 : refs.size();
        for (int i = 0; i < last; i++) {
            JsonMappingException.Reference ref = refs.get(i);
            if (ref.getFieldName() != null) path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            else if (ref.getIndex() >= 0) path.append('[').append(ref.getIndex()).append(']');
        }
        return path.length() == 0 ? "" : " in " + path;
    }

    private static String line(JsonProcessingException e) {
        return e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static <T> List<T> list(List<T> values) {
        return values == null ? List.of() : values;
    }

    record RawRegistry(@JsonProperty("organisations") List<RawOrg> organisations) {
    }

    record RawOrg(@JsonProperty("id") String id,
                  @JsonProperty("names") RawNames names,
                  @JsonProperty("services") List<String> services,
                  @JsonProperty("languages") List<String> languages,
                  @JsonProperty("provinces") List<String> provinces,
                  @JsonProperty("keys") List<RawKey> keys,
                  @JsonProperty("caseworkers") List<RawCaseworker> caseworkers,
                  @JsonProperty("active") Boolean active,
                  @JsonProperty("demo") Boolean demo) {
    }

    record RawNames(@JsonProperty("ko") String ko, @JsonProperty("en") String en) {
    }

    record RawKey(@JsonProperty("file") String file, @JsonProperty("fingerprint") String fingerprint) {
    }

    record RawCaseworker(@JsonProperty("account") String account, @JsonProperty("safety_number") String safetyNumber) {
    }
}
