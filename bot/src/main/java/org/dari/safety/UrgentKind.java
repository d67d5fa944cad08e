package org.dari.safety;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** The kinds of danger happening now that get their own urgent answer. */
public enum UrgentKind {
    POLICE, VIOLENCE, CONFINED, TRAFFICKED, FOLLOWED, CHILD_TAKEN, SUICIDE, GENERAL;

    /** The id used in files and reports: the name in lower case ("child_taken"). */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<UrgentKind> byId(String id) {
        if (id == null) return Optional.empty();
        String wanted = id.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.id().equals(wanted)).findFirst();
    }
}
