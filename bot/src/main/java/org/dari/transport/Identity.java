package org.dari.transport;

/**
 * A Signal identity key the server knows for a contact ({@code GET /v1/identities/{number}}).
 * Holds identifiers: never log it (its {@code toString} is redacted).
 *
 * @param number       the contact's number, may be null or empty when hidden
 * @param uuid         the contact's Signal UUID, may be null
 * @param status       how far the key is trusted
 * @param fingerprint  the key fingerprint as the server prints it
 * @param safetyNumber the safety number to compare out of band
 * @param added        when the key was first seen, as the server prints it
 */
public record Identity(String number, String uuid, Status status, String fingerprint, String safetyNumber, String added) {

    public enum Status {
        TRUSTED_VERIFIED, TRUSTED_UNVERIFIED, UNTRUSTED, UNKNOWN;

        static Status of(String text) {
            if (text == null) return UNKNOWN;
            for (Status s : values()) {
                if (s.name().equalsIgnoreCase(text.trim())) return s;
            }
            return UNKNOWN;
        }
    }

    public Identity {
        if (status == null) status = Status.UNKNOWN;
    }

    /**
     * Whether, among these identities, the recipient's (by UUID or number) has the safety number
     * verified out of band; digits only are compared, so grouping and spaces do not matter.
     */
    static boolean verified(java.util.List<Identity> identities, String recipient, String safetyNumber) {
        String wanted = digits(safetyNumber);
        if (wanted.isEmpty()) return false;
        for (Identity identity : identities) {
            boolean same = recipient.equals(identity.uuid()) || recipient.equals(identity.number());
            if (same && wanted.equals(digits(identity.safetyNumber()))) return true;
        }
        return false;
    }

    private static String digits(String s) {
        return s == null ? "" : s.replaceAll("[^0-9]", "");
    }

    @Override
    public String toString() {
        return "Identity[redacted, status=" + status + "]";
    }
}
