package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.referral.Caseworker;
import org.dari.referral.Organisation;
import org.dari.referral.OrganisationRegistry;
import org.dari.referral.ReferralSealer;
import org.dari.referral.Service;
import org.dari.store.ReferralLinks;
import org.dari.transport.OutboundMessage;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.UnaryOperator;

/**
 * What the referral flows share: the vetted organisations, the sealer, the links back to people,
 * the exchanges in progress, and how caseworkers are checked and spoken to.
 */
public final class Referrals {
    /** Whether an account's current Signal identity is the one verified out of band. */
    @FunctionalInterface
    public interface IdentityCheck {
        boolean verified(String account, String safetyNumber);
    }

    private final OrganisationRegistry registry;
    private final ReferralLinks links;
    private final ReferralSealer sealer;
    private final Exchanges exchanges;
    private final IdentityCheck identity;
    private final ServiceTitles titles;
    private final UnaryOperator<String> personKey;
    private final Clock clock;
    private final Duration referralIdle;
    private final SecureRandom random = new SecureRandom();
    private final Map<String, AtomicLong> assigned = new ConcurrentHashMap<>();

    public Referrals(OrganisationRegistry registry, ReferralLinks links, ReferralSealer sealer, Exchanges exchanges,
                     IdentityCheck identity, ServiceTitles titles, UnaryOperator<String> personKey, Clock clock,
                     Duration referralIdle) {
        this.registry = registry;
        this.links = links;
        this.sealer = sealer;
        this.exchanges = exchanges;
        this.identity = identity;
        this.titles = titles;
        this.personKey = personKey;
        this.clock = clock;
        this.referralIdle = referralIdle;
    }

    public OrganisationRegistry registry() {
        return registry;
    }

    public ReferralLinks links() {
        return links;
    }

    ReferralSealer sealer() {
        return sealer;
    }

    Exchanges exchanges() {
        return exchanges;
    }

    ServiceTitles titles() {
        return titles;
    }

    Clock clock() {
        return clock;
    }

    Duration referralIdle() {
        return referralIdle;
    }

    SecureRandom random() {
        return random;
    }

    String personKey(String sender) {
        return personKey.apply(sender);
    }

    /** The registered caseworker behind this account, if its identity is still the verified one. */
    Optional<Organisation> verifiedCaseworker(String account) {
        Optional<Organisation> org = registry.organisationOf(account);
        Optional<Caseworker> caseworker = registry.caseworker(account);
        // an inactive organisation gets no new requests but keeps answering its open cases
        if (org.isEmpty() || caseworker.isEmpty()) return Optional.empty();
        return identity.verified(account, caseworker.get().safetyNumber()) ? org : Optional.empty();
    }

    boolean isCaseworkerAccount(String account) {
        return registry.organisationOf(account).isPresent();
    }

    /**
     * An active organisation offering this help in this language (and province, if given), the one
     * given the fewest requests so far among those that fit, so that work is spread fairly.
     */
    Optional<Organisation> choose(Service service, Lang lang, String province) {
        List<Organisation> fit = registry.organisations().stream()
                .filter(Organisation::active)
                .filter(o -> o.services().contains(service))
                .filter(o -> o.languages().contains(lang.code()))
                .filter(o -> province == null || o.provinces().isEmpty() || o.provinces().contains(province))
                .filter(o -> !o.keys().isEmpty() && !o.caseworkers().isEmpty())
                .toList();
        if (fit.isEmpty()) return Optional.empty();
        // the counts are read once: another request being sent meanwhile must not leave no candidate
        long[] counts = fit.stream().mapToLong(o -> count(o.id()).get()).toArray();
        long least = java.util.Arrays.stream(counts).min().orElse(0);
        List<Organisation> candidates = new java.util.ArrayList<>();
        for (int i = 0; i < counts.length; i++) if (counts[i] == least) candidates.add(fit.get(i));
        candidates.sort(Comparator.comparing(Organisation::id));
        Organisation chosen = candidates.get(random.nextInt(candidates.size()));
        count(chosen.id()).incrementAndGet();
        return Optional.of(chosen);
    }

    private AtomicLong count(String orgId) {
        return assigned.computeIfAbsent(orgId, k -> new AtomicLong());
    }

    /** The language an organisation's caseworkers are addressed in. */
    static Lang caseworkerLang(Organisation org) {
        return org.languages().contains(Lang.KO.code()) ? Lang.KO : Lang.EN;
    }

    /** One message to every caseworker of the organisation. */
    static void toCaseworkers(Organisation org, String text, OutboundMessage.Attachment file, Reply.Builder out) {
        for (Caseworker c : org.caseworkers()) out.send(new OutboundMessage(c.account(), text, file));
    }
}
