package org.dari.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Extra ways of asking, written apart from the entries, in {@code seeds/phrasings/**}{@code /*.yaml}:
 * each file holds {@code id:} (an entry id, {@link #NONE} for questions to decline or {@link #MENU}
 * for greetings) and lists of strings under {@code ko:} and {@code en:}. Several files may share an
 * id. They train the classifier only; they are never shown to anyone.
 */
public record Phrasings(Map<String, Map<Lang, List<String>>> byId, List<ValidationIssue> issues) {
    public static final String FOLDER = "phrasings";
    public static final String NONE = "_none";
    public static final String MENU = "_menu";
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    public Phrasings {
        Map<String, Map<Lang, List<String>>> copy = new LinkedHashMap<>();
        byId.forEach((id, byLang) -> {
            Map<Lang, List<String>> langs = new EnumMap<>(Lang.class);
            byLang.forEach((lang, list) -> langs.put(lang, List.copyOf(list)));
            copy.put(id, java.util.Collections.unmodifiableMap(langs));
        });
        byId = java.util.Collections.unmodifiableMap(copy);
        issues = List.copyOf(issues);
    }

    public static Phrasings empty() {
        return new Phrasings(Map.of(), List.of());
    }

    /** Reads every YAML file under {@code dir}; a missing folder is no phrasings, a broken file an issue. */
    public static Phrasings load(Path dir) {
        if (!Files.isDirectory(dir)) return empty();
        List<Path> files;
        List<ValidationIssue> issues = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            files = walk.filter(Files::isRegularFile)
                    .filter(p -> p.getFileName().toString().endsWith(".yaml") || p.getFileName().toString().endsWith(".yml"))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            return new Phrasings(Map.of(), List.of(error(dir, "", "cannot read the folder")));
        }
        Map<String, Map<Lang, List<String>>> byId = new LinkedHashMap<>();
        for (Path file : files) {
            String name = dir.relativize(file).toString();
            JsonNode root;
            try {
                root = YAML.readTree(file.toFile());
            } catch (IOException e) {
                issues.add(error(name, "", "not valid YAML"));
                continue;
            }
            if (root == null || !root.isObject() || !root.path("id").isTextual() || root.path("id").asText().isBlank()) {
                issues.add(error(name, "id", "needs an id (an entry id, " + NONE + " or " + MENU + ")"));
                continue;
            }
            String id = root.path("id").asText().strip();
            Map<Lang, List<String>> target = byId.computeIfAbsent(id, k -> new EnumMap<>(Lang.class));
            int count = 0;
            for (Lang lang : Lang.values()) {
                JsonNode list = root.get(lang.code());
                if (list == null || list.isNull()) continue;
                if (!list.isArray()) {
                    issues.add(error(name, lang.code(), "must be a list of strings"));
                    continue;
                }
                for (JsonNode n : list) {
                    if (!n.isValueNode() || n.asText().isBlank()) continue;
                    target.computeIfAbsent(lang, k -> new ArrayList<>()).add(n.asText().strip());
                    count++;
                }
            }
            if (count == 0) issues.add(new ValidationIssue(ValidationIssue.Severity.WARNING, FOLDER + "/" + name, "", "no phrasings"));
        }
        return new Phrasings(byId, issues);
    }

    /** This folder's own issues, plus an error for every id that names no entry. */
    public List<ValidationIssue> validate(Set<String> entryIds) {
        List<ValidationIssue> out = new ArrayList<>(issues);
        for (String id : byId.keySet()) {
            if (!id.equals(NONE) && !id.equals(MENU) && !entryIds.contains(id)) {
                out.add(new ValidationIssue(ValidationIssue.Severity.ERROR, FOLDER, "id", "no entry with id '" + id + "'"));
            }
        }
        return out;
    }

    public List<String> of(String id, Lang lang) {
        return byId.getOrDefault(id, Map.of()).getOrDefault(lang, List.of());
    }

    public int size() {
        return byId.values().stream().flatMap(m -> m.values().stream()).mapToInt(List::size).sum();
    }

    private static ValidationIssue error(Object file, String field, String message) {
        return new ValidationIssue(ValidationIssue.Severity.ERROR, FOLDER + "/" + file, field, message);
    }
}
