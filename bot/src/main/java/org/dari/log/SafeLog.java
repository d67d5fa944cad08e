package org.dari.log;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.regex.Pattern;

/**
 * The only way Dari code writes logs. It accepts an event name made of
 * lower-case words and values that cannot carry user content (numbers,
 * booleans, enums, durations). Anything else is replaced by a marker, so no
 * identifier or message text can reach a log by mistake. Throwables are never
 * logged: only their class name, since their messages may hold user data.
 */
public final class SafeLog {
    /**
     * Dot-separated lower-case words: no hyphens and at most one digit in a row, so that neither a
     * UUID, a phone number nor a code can pass as an event or key name.
     */
    private static final Pattern EVENT = Pattern.compile("(?=.{1,64}$)[a-z][a-z_]*[0-9]?(\\.[a-z][a-z_]*[0-9]?)*");

    private final Logger logger;

    private SafeLog(Logger logger) {
        this.logger = logger;
    }

    public static SafeLog of(Class<?> owner) {
        return new SafeLog(LoggerFactory.getLogger(owner));
    }

    public void info(String event, Object... keyValues) {
        if (logger.isInfoEnabled()) logger.info(render(event, keyValues));
    }

    public void warn(String event, Object... keyValues) {
        if (logger.isWarnEnabled()) logger.warn(render(event, keyValues));
    }

    public void error(String event, Object... keyValues) {
        if (logger.isErrorEnabled()) logger.error(render(event, keyValues));
    }

    public void debug(String event, Object... keyValues) {
        if (logger.isDebugEnabled()) logger.debug(render(event, keyValues));
    }

    /** The kind of a failure, safe to log: its class, never its message. */
    public static ErrorKind kind(Throwable t) {
        return new ErrorKind(t == null ? "none" : t.getClass().getSimpleName());
    }

    /** A failure's class name, already stripped of its message. */
    public record ErrorKind(String name) {
        @Override
        public String toString() {
            return name;
        }
    }

    static String render(String event, Object... keyValues) {
        StringBuilder out = new StringBuilder(EVENT.matcher(event == null ? "" : event).matches() ? event : "event.invalid");
        for (int i = 0; i + 1 < keyValues.length; i += 2) {
            Object key = keyValues[i];
            String name = key instanceof String s && EVENT.matcher(s).matches() ? s : "key";
            out.append(' ').append(name).append('=').append(safeValue(keyValues[i + 1]));
        }
        return out.toString();
    }

    private static String safeValue(Object value) {
        if (value == null) return "null";
        if (value instanceof Number || value instanceof Boolean || value instanceof Enum<?>
                || value instanceof java.time.Duration || value instanceof ErrorKind) {
            return value.toString();
        }
        return "<redacted>";
    }
}
