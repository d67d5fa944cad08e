package org.dari.safety;
import java.util.Locale;
import java.util.Optional;
public enum UrgentKind { POLICE, VIOLENCE, CONFINED, TRAFFICKED, FOLLOWED, CHILD_TAKEN, SUICIDE, GENERAL;
    public String id() { return name().toLowerCase(Locale.ROOT); }
    public static Optional<UrgentKind> byId(String id) { for (UrgentKind k : values()) if (k.id().equals(id)) return Optional.of(k); return Optional.empty(); } }
