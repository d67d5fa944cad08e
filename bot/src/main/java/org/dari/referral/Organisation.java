package org.dari.referral;

import org.bouncycastle.openpgp.PGPPublicKeyRing;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * A vetted organisation from the registry. {@code provinces} empty means it serves every province;
 * {@code demo} marks the demo organisation whose secret key is public.
 */
public record Organisation(String id, String nameKo, String nameEn, Set<Service> services, Set<String> languages,
                           Set<String> provinces, List<OrgKey> keys, List<Caseworker> caseworkers, boolean active,
                           boolean demo) {
    public Organisation {
        services = ordered(services);
        languages = ordered(languages);
        provinces = ordered(provinces);
        keys = List.copyOf(keys);
        caseworkers = List.copyOf(caseworkers);
    }

    private static <T> Set<T> ordered(Set<T> values) {
        return Collections.unmodifiableSet(new LinkedHashSet<>(values));
    }

    /** The display name in {@code langCode} ("ko" or "en"); Korean for anything else. */
    public String name(String langCode) {
        return "en".equals(langCode) ? nameEn : nameKo;
    }

    /**
     * Every key of the organisation, as the sealer takes them: a referral is encrypted to all. The
     * rings are shared and not safe to inspect from two threads at once (Bouncy Castle keeps a
     * signature's verification state in the signature object): only {@link ReferralSealer#seal},
     * one at a time, reads them while the bot runs.
     */
    public List<PGPPublicKeyRing> certificates() {
        return keys.stream().map(OrgKey::ring).toList();
    }

    public boolean serves(Service service, String language) {
        return services.contains(service) && languages.contains(language);
    }

    public boolean servesProvince(String province) {
        return provinces.isEmpty() || provinces.contains(province);
    }

    @Override
    public String toString() {
        return "Organisation[" + id + ", " + services.size() + " services, " + keys.size() + " keys, "
                + caseworkers.size() + " caseworkers, active=" + active + ", demo=" + demo + "]";
    }
}
