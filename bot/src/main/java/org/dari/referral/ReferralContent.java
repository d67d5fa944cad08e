package org.dari.referral;

import java.time.LocalDate;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sealed referral says: the code, the kind of help, the person's language ("ko" or "en"),
 * the province id if she gave one, her (already masked) note, urgency, and the day. Nothing that
 * identifies her: no Signal account, no exact time. {@link #toString()} leaves the note out.
 */
public record ReferralContent(String code, Service service, String language, Optional<String> province, String note,
                              boolean urgent, LocalDate day) {
    public ReferralContent {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(province, "province");
        Objects.requireNonNull(day, "day");
        note = note == null ? "" : note;
    }

    @Override
    public String toString() {
        return "ReferralContent[" + service.id() + ", " + language + ", urgent=" + urgent + ", note redacted]";
    }
}
