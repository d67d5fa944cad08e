package org.dari.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The short answers for danger happening now, one file per kind in
 * {@code seeds/urgent/}. Each gives a title and at most five short lines per
 * language, with sources. The kinds are named by id (the same ids as the
 * urgent detector's kinds) so that knowledge does not depend on safety.
 */
public final class UrgentAnswers {
    public static final String FOLDER = "urgent";
    /** Every kind that must have an answer; suicide may have one but normally uses emotional-support. */
    public static final List<String> REQUIRED_KINDS =
            List.of("police", "violence", "confined", "trafficked", "followed", "child_taken", "general");
    public static final Set<String> OPTIONAL_KINDS = Set.of("suicide");
    static final int MAX_LINES = 5;
    static final int KO_MAX_CHARS = 350;
    static final int EN_MAX_CHARS = 500;
    private static final int MAX_TITLE_CHARS = 80;

    public record Answer(String title, String text, List<String> sourceLabels) {
        public Answer {
            sourceLabels = List.copyOf(sourceLabels);
        }
    }

    /** The folder's content is not valid; one clear line per problem. */
    public static final class InvalidException extends IOException {
        private final List<String> problems;

        InvalidException(List<String> problems) {
            super("urgent answers are not valid: " + String.join("; ", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    private final Map<String, Map<Lang, Answer>> answers;

    private UrgentAnswers(Map<String, Map<Lang, Answer>> answers) {
        this.answers = answers;
    }

    public static UrgentAnswers load(Path urgentDir) throws IOException {
        return load(urgentDir, Clock.systemUTC());
    }

    public static UrgentAnswers load(Path urgentDir, Clock clock) throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(urgentDir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        }
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        List<String> problems = new ArrayList<>();
        Map<String, Map<Lang, Answer>> answers = new LinkedHashMap<>();
        Map<String, String> fileOfKind = new LinkedHashMap<>();
        Set<String> declared = new java.util.HashSet<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            JsonNode root;
            try {
                root = yaml.readTree(file.toFile());
            } catch (IOException e) {
                problems.add(name + ": not valid YAML");
                continue;
            }
            if (root == null || !root.isObject()) {
                problems.add(name + ": expected a YAML mapping");
                continue;
            }
            int before = problems.size();
            String kind = text(root, "kind");
            declared.add(kind);
            if (!REQUIRED_KINDS.contains(kind) && !OPTIONAL_KINDS.contains(kind)) {
                problems.add(name + ": kind '" + kind + "' is not one of " + REQUIRED_KINDS + " or " + OPTIONAL_KINDS);
            } else if (fileOfKind.containsKey(kind)) {
                problems.add(name + ": kind '" + kind + "' already has an answer in " + fileOfKind.get(kind));
            }
            LocalDate reviewed = date(root.get("reviewed"));
            if (reviewed == null) problems.add(name + ": reviewed is missing or not a date (YYYY-MM-DD)");
            else if (reviewed.isAfter(LocalDate.now(clock))) problems.add(name + ": reviewed date is in the future");
            List<JsonNode> sources = new ArrayList<>();
            JsonNode sourceNodes = root.get("sources");
            if (sourceNodes == null || !sourceNodes.isArray() || sourceNodes.isEmpty()) {
                problems.add(name + ": at least one source is required");
            } else {
                int i = 0;
                for (JsonNode s : sourceNodes) {
                    if (text(s, "en").isEmpty() || text(s, "ko").isEmpty()) {
                        problems.add(name + ": sources[" + i + "] needs both 'en' and 'ko' labels");
                    }
                    sources.add(s);
                    i++;
                }
            }
            Map<Lang, Answer> byLang = new EnumMap<>(Lang.class);
            for (Lang lang : Lang.values()) {
                JsonNode node = root.get(lang.code());
                if (node == null || !node.isObject()) {
                    problems.add(name + ": the " + lang.code() + " text is missing");
                    continue;
                }
                String title = text(node, "title");
                String answer = text(node, "answer");
                String p = name + ": " + lang.code() + ".";
                if (title.isEmpty()) problems.add(p + "title is missing");
                else if (title.length() > MAX_TITLE_CHARS) problems.add(p + "title is longer than " + MAX_TITLE_CHARS + " characters");
                if (answer.isEmpty()) {
                    problems.add(p + "answer is missing");
                } else {
                    long lines = answer.lines().filter(l -> !l.isBlank()).count();
                    int max = lang == Lang.KO ? KO_MAX_CHARS : EN_MAX_CHARS;
                    if (lines > MAX_LINES) problems.add(p + "answer has " + lines + " lines; at most " + MAX_LINES);
                    if (answer.length() > max) problems.add(p + "answer has " + answer.length() + " characters; at most " + max);
                }
                List<String> labels = sources.stream().map(s -> text(s, lang.code())).filter(l -> !l.isEmpty()).toList();
                byLang.put(lang, new Answer(title, answer, labels));
            }
            if (problems.size() == before) {
                fileOfKind.put(kind, name);
                answers.put(kind, byLang);
            }
        }
        for (String kind : REQUIRED_KINDS) {
            if (!declared.contains(kind)) problems.add(kind + ": no urgent answer for this kind (add a file with kind: " + kind + ")");
        }
        if (!problems.isEmpty()) throw new InvalidException(problems);
        return new UrgentAnswers(answers);
    }

    public Optional<Answer> answer(String kindId, Lang lang) {
        Map<Lang, Answer> byLang = answers.get(kindId);
        return byLang == null ? Optional.empty() : Optional.ofNullable(byLang.get(lang));
    }

    /** The kinds that have an answer. */
    public Set<String> kinds() {
        return Set.copyOf(answers.keySet());
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText().strip();
    }

    private static LocalDate date(JsonNode node) {
        return SeedLoader.date(node);
    }
}
