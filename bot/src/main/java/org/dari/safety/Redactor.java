package org.dari.safety;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Masks identifiers a person may type into free text before it goes anywhere
 * (a referral note, a relayed reply): e-mail addresses, Chinese ID numbers,
 * messenger account names (WeChat, QQ, KakaoTalk, LINE, Telegram, ...) and phone
 * numbers of any country (any run of 7 or more digits, spaces and dashes allowed).
 * It errs on the side of masking. Never throws.
 */
public final class Redactor {
    /** A marker that reads the same in both languages. */
    public static final String NEUTRAL_MARKER = "[…]";

    public record Result(String text, boolean changed) {
    }

    private static final int FLAGS = Pattern.UNICODE_CHARACTER_CLASS | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;
    private static final Pattern EMAIL = Pattern.compile("(?<![\\w.%+-])[\\w.%+-]{1,64}@[\\w-]{1,63}(?:\\.[\\w-]{1,63}){0,8}\\.[a-z]{2,24}(?![\\w-])", FLAGS);
    // 6-digit region, 8-digit birth date, 3-digit sequence, check digit (0-9 or X), optionally grouped
    private static final Pattern CHINESE_ID = Pattern.compile("(?<!\\d)\\d{6}[ -]?\\d{8}[ -]?\\d{3}[\\dx](?![\\w])", FLAGS);
    private static final Pattern ACCOUNT = Pattern.compile(
            "(?<![a-z])(wechat|we chat|weixin|wx|微信号?|微信|위챗|웨이신|qq|큐큐|kakao ?talk|kakao|카카오톡|카카오|카톡|line|라인"
                    + "|telegram|텔레그램|tg|whatsapp|왓츠앱|signal|시그널|id|아이디|계정|account|username|user name)"
                    + "((?:\\s*+(?:id|아이디|계정|account|号|號|번호|number|no\\.?|is|은|는|:|：|=|@)\\s*+)*+\\s*+)"
                    + "([a-z0-9][\\w.\\-]{2,39})", FLAGS);
    private static final Pattern EXPLICIT_SEPARATOR = Pattern.compile("[:：=号號]|id|아이디|계정|account|번호|number|no", FLAGS);
    private static final Pattern DIGIT_RUN = Pattern.compile("\\+?\\(?\\d[\\d\\-.() ]*\\d", FLAGS);
    private static final Pattern DATE = Pattern.compile("\\d{4}[-./]\\d{1,2}[-./]\\d{1,2}|\\d{1,2}[-./]\\d{1,2}[-./]\\d{4}", FLAGS);
    private static final int MIN_PHONE_DIGITS = 7;

    private final String marker;

    public Redactor() {
        this(NEUTRAL_MARKER);
    }

    /** @param marker what replaces each identifier, e.g. "[지움]" or "[removed]" from i18n */
    public Redactor(String marker) {
        this.marker = marker == null || marker.isEmpty() ? NEUTRAL_MARKER : marker;
    }

    public Result redact(String text) {
        if (text == null || text.isEmpty()) return new Result(text == null ? "" : text, false);
        try {
            String s = EMAIL.matcher(text).replaceAll(Matcher.quoteReplacement(marker));
            s = CHINESE_ID.matcher(s).replaceAll(Matcher.quoteReplacement(marker));
            s = accounts(s);
            s = phones(s);
            return new Result(s, !s.equals(text));
        } catch (RuntimeException | StackOverflowError e) {
            // text we cannot scan cannot be passed on: hide all of it
            return new Result(marker, true);
        }
    }

    private String accounts(String s) {
        Matcher m = ACCOUNT.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String key = m.group(1);
            String separator = m.group(2);
            String token = m.group(3);
            boolean cjkKey = key.codePoints().anyMatch(cp -> cp > 0x2E80);
            boolean latinWordKey = key.equalsIgnoreCase("id") || key.equalsIgnoreCase("line") || key.equalsIgnoreCase("signal")
                    || key.equalsIgnoreCase("account") || key.equalsIgnoreCase("tg") || key.equalsIgnoreCase("wx");
            boolean explicit = EXPLICIT_SEPARATOR.matcher(separator).find();
            boolean idLike = token.chars().anyMatch(c -> Character.isDigit(c) || c == '_');
            boolean mask;
            if (!cjkKey && separator.isEmpty()) mask = false; // "identity", "lineup": not a key word
            else if (idLike || explicit || cjkKey) mask = true;
            else mask = !latinWordKey && token.length() >= 6 && !isCommonWord(token);
            m.appendReplacement(out, Matcher.quoteReplacement(mask ? key + separator + marker : m.group()));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static boolean isCommonWord(String token) {
        return token.chars().allMatch(Character::isLetter) && token.equals(token.toLowerCase(java.util.Locale.ROOT))
                && token.length() <= 12 && token.matches("(?i)[a-z]+(ing|ed|ly|tion|able|ment)");
    }

    private String phones(String s) {
        Matcher m = DIGIT_RUN.matcher(s);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String run = m.group();
            long digits = run.chars().filter(Character::isDigit).count();
            boolean phone = digits >= MIN_PHONE_DIGITS && !DATE.matcher(run.strip()).matches();
            m.appendReplacement(out, Matcher.quoteReplacement(phone ? marker : run));
        }
        m.appendTail(out);
        return out.toString();
    }
}
