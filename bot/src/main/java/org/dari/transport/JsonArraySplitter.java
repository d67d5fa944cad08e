package org.dari.transport;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a poll answer into its top-level JSON objects without trusting it to be
 * valid JSON. signal-cli-rest-api builds that array by joining signal-cli's
 * output lines with commas, so one stray line would make the whole array
 * unreadable and lose every message in it (they are already off the server).
 * Here, anything between objects that is not an object is counted as garbage
 * and skipped; an object cut off at the end is counted too.
 */
final class JsonArraySplitter {

    /** The object texts found, in order, and how many garbage stretches were skipped. */
    record Split(List<String> objects, int garbage) {
    }

    private JsonArraySplitter() {
    }

    static Split split(String body) {
        String s = body == null ? "" : body.strip();
        if (s.startsWith("[")) s = s.substring(1);
        if (s.endsWith("]")) s = s.substring(0, s.length() - 1);

        List<String> objects = new ArrayList<>();
        int garbage = 0;
        int depth = 0;
        int start = -1;
        boolean inString = false;
        boolean escaped = false;
        boolean inGarbage = false;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') inString = false;
                continue;
            }
            if (depth == 0) {
                if (c == '{') {
                    depth = 1;
                    start = i;
                    inGarbage = false;
                } else if (c == ',') {
                    inGarbage = false;
                } else if (!Character.isWhitespace(c)) {
                    if (!inGarbage) garbage++;
                    inGarbage = true;
                    if (c == '"') inString = true;
                }
                continue;
            }
            if (c == '"') {
                inString = true;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                depth--;
                if (depth == 0) objects.add(s.substring(start, i + 1));
            }
        }
        if (depth > 0) garbage++;
        return new Split(objects, garbage);
    }
}
