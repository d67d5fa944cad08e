package org.dari.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import org.dari.knowledge.Lang;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every word the bot says that is not a knowledge-base answer, from
 * {@code i18n/messages-<lang>.yaml}. Loading fails when a language lacks a key
 * the other has, so no message can exist in one language only.
 */
public final class Messages {
    private final Map<Lang, Map<String, String>> bundles;

    public Messages(Map<Lang, Map<String, String>> bundles) {
        Map<Lang, Map<String, String>> copy = new EnumMap<>(Lang.class);
        bundles.forEach((k, v) -> copy.put(k, Map.copyOf(v)));
        this.bundles = copy;
        Set<String> all = new TreeSet<>();
        copy.values().forEach(b -> all.addAll(b.keySet()));
        for (Lang lang : Lang.values()) {
            Map<String, String> b = copy.getOrDefault(lang, Map.of());
            Set<String> missing = new TreeSet<>(all);
            missing.removeAll(b.keySet());
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("messages-" + lang.code() + ".yaml lacks " + missing);
            }
        }
    }

    public static Messages load(Path i18nDir) throws IOException {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<Lang, Map<String, String>> bundles = new EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            Path file = i18nDir.resolve("messages-" + lang.code() + ".yaml");
            JsonNode root = yaml.readTree(file.toFile());
            Map<String, String> bundle = new HashMap<>();
            if (root != null) root.fields().forEachRemaining(e -> bundle.put(e.getKey(), e.getValue().asText()));
            bundles.put(lang, bundle);
        }
        return new Messages(bundles);
    }

    public Set<String> keys(Lang lang) {
        return bundles.get(lang).keySet();
    }

    /** The message for a key, with {name} placeholders filled from name/value pairs. */
    public String get(Lang lang, String key, Object... nameValues) {
        String template = bundles.get(lang).get(key);
        if (template == null) throw new IllegalArgumentException("no message '" + key + "'");
        String out = template;
        for (int i = 0; i + 1 < nameValues.length; i += 2) {
            out = out.replace("{" + nameValues[i] + "}", String.valueOf(nameValues[i + 1]));
        }
        return out.strip();
    }
}
