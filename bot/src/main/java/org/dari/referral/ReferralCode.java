package org.dari.referral;

import java.security.SecureRandom;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A referral code: five groups of four characters from an alphabet without look-alikes (no 0, O,
 * 1, I), 100 random bits, easy to read aloud and type on a phone: {@code K7QM-2HXR-9WPA-TC4N-E6BD}.
 * The first group is the code's id (it finds the case); the other four (80 bits) are its secret
 * part, which the bot never stores: it unlocks the link back to the person.
 */
public record ReferralCode(String id, String secret) {
    static final String ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    private static final int GROUPS = 5;
    private static final int GROUP = 4;
    private static final Pattern GROUP_CHARS = Pattern.compile("[" + ALPHABET + "]{" + GROUP + "}");
    /** A code at the start of a message, with or without dashes or spaces between groups, any case. */
    private static final Pattern LEADING = Pattern.compile(
            "^\\s*((?:[2-9a-hj-np-zA-HJ-NP-Z]{4}[\\s-]?){4}[2-9a-hj-np-zA-HJ-NP-Z]{4})(?![2-9a-zA-Z])\\s*[:.,]?\\s*(.*)$",
            Pattern.DOTALL);

    public ReferralCode {
        if (id == null || !GROUP_CHARS.matcher(id).matches()) throw new IllegalArgumentException("bad code id");
        if (secret == null || secret.length() != GROUP * (GROUPS - 1)) throw new IllegalArgumentException("bad code");
        for (char c : secret.toCharArray()) if (ALPHABET.indexOf(c) < 0) throw new IllegalArgumentException("bad code");
    }

    public static ReferralCode generate(SecureRandom random) {
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < GROUPS * GROUP; i++) s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        return new ReferralCode(s.substring(0, GROUP), s.substring(GROUP));
    }

    /** A whole message that is only a code, in any case and spacing. */
    public static Optional<ReferralCode> parse(String text) {
        return leading(text).filter(l -> l.rest().isEmpty()).map(Leading::code);
    }

    /** A code at the start of a message, and the rest of the message. */
    public record Leading(ReferralCode code, String rest) {
        @Override
        public String toString() {
            return "Leading[redacted]";
        }
    }

    public static Optional<Leading> leading(String text) {
        if (text == null || text.length() > 10_000) return Optional.empty();
        Matcher m = LEADING.matcher(text);
        if (!m.matches()) return Optional.empty();
        String chars = m.group(1).replaceAll("[\\s-]", "").toUpperCase(Locale.ROOT);
        if (chars.length() != GROUPS * GROUP) return Optional.empty();
        return Optional.of(new Leading(new ReferralCode(chars.substring(0, GROUP), chars.substring(GROUP)), m.group(2).strip()));
    }

    /** The whole code, grouped for reading. */
    public String display() {
        String all = id + secret;
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < all.length(); i += GROUP) {
            if (i > 0) s.append('-');
            s.append(all, i, i + GROUP);
        }
        return s.toString();
    }

    /** Only the public part, for lists: {@code K7QM-…}. */
    public static String shortForm(String id) {
        return id + "-…";
    }

    @Override
    public String toString() {
        return "ReferralCode[" + id + "-redacted]";
    }
}
