package org.dari.knowledge;

import java.util.List;

/** What to do with one message. */
public record Decision(Kind kind, Lang lang, List<Retriever.Match> matches, Reason reason) {
    public enum Kind { ANSWER, SUGGEST, DECLINE, MENU }

    public enum Reason { CONFIDENT, PRIORITY, UNSURE, NO_MATCH, OUT_OF_SCOPE, GREETING }

    public Decision {
        matches = List.copyOf(matches);
    }

    public String kindCode() {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}
