package org.dari.referral;

import java.util.Arrays;
import java.util.Optional;

/** The kinds of help an organisation can offer; the ids are what the registry file uses. */
public enum Service {
    LEGAL_INFORMATION("legal-information"),
    SHELTER("shelter"),
    SAFE_TRAVEL("safe-travel"),
    TRAFFICKING_VIOLENCE("trafficking-and-violence"),
    MEDICAL("medical"),
    CHILDREN_REGISTRATION("children-and-registration"),
    EMOTIONAL_SUPPORT("emotional-support");

    private final String id;

    Service(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }

    public static Optional<Service> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
