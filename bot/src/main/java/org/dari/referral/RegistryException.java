package org.dari.referral;

import java.util.List;

/** The organisation registry is not valid; each problem is one line, free of key material and caseworker accounts. */
public final class RegistryException extends Exception {
    private final List<String> problems;

    public RegistryException(List<String> problems) {
        super(summary(problems), null, false, false);
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }

    private static String summary(List<String> problems) {
        if (problems.isEmpty()) return "the organisation registry is not valid";
        return problems.get(0) + (problems.size() > 1 ? " (and " + (problems.size() - 1) + " more problems)" : "");
    }
}
