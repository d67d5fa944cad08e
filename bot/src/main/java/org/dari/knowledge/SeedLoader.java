package org.dari.knowledge;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads {@code seeds/*.yaml} into entries and checks them: every required topic
 * present, both languages, sources, reviewed date, related ids that exist, no
 * duplicate ids, answers short enough for a phone, at most two related entries. Errors name the
 * file and field.
 */
public final class SeedLoader {
    public static final String REQUIRED_TOPICS_FILE = "required-topics.txt";
    private static final Pattern ID = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final int EN_MIN_WORDS = 40;
    private static final int EN_MAX_WORDS = 200;
    private static final int KO_MIN_WORDS = 25;
    private static final int KO_MAX_WORDS = 200;
    private static final int MIN_EXAMPLES = 5;
    private static final int MAX_TITLE_CHARS = 80;
    /** An answer is read on a small phone: refused above the limit, warned above the aim. */
    static final int KO_ANSWER_MAX_CHARS = 450;
    static final int KO_ANSWER_AIM_CHARS = 350;
    static final int EN_ANSWER_MAX_CHARS = 700;
    static final int EN_ANSWER_AIM_CHARS = 550;
    static final int MAX_RELATED = 2;

    private final ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    private final Clock clock;

    public SeedLoader(Clock clock) {
        this.clock = clock;
    }

    /** The outcome of loading: the entries that parsed, and every issue found. */
    public record Result(List<Entry> entries, List<ValidationIssue> issues) {
        public boolean valid() {
            return issues.stream().noneMatch(i -> i.severity() == ValidationIssue.Severity.ERROR);
        }

        public List<ValidationIssue> errors() {
            return issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.ERROR).toList();
        }

        public KnowledgeBase knowledgeBase() {
            if (!valid()) throw new IllegalStateException("knowledge base has errors");
            return new KnowledgeBase(entries);
        }
    }

    public Result load(Path seedsDir) {
        List<ValidationIssue> issues = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> list = Files.list(seedsDir)) {
            files = list.filter(p -> p.getFileName().toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            issues.add(error(seedsDir.toString(), "", "cannot read the folder"));
            return new Result(entries, issues);
        }
        Map<String, String> fileOfId = new HashMap<>();
        for (Path file : files) {
            String name = file.getFileName().toString();
            Entry entry = parse(file, name, issues);
            if (entry == null) continue;
            String earlier = fileOfId.putIfAbsent(entry.id(), name);
            if (earlier != null) {
                issues.add(error(name, "id", "duplicate id '" + entry.id() + "' (also in " + earlier + ")"));
                continue;
            }
            entries.add(entry);
        }
        for (Entry entry : entries) {
            for (String rel : entry.related()) {
                if (!fileOfId.containsKey(rel)) {
                    issues.add(error(entry.file(), "related", "no entry with id '" + rel + "'"));
                }
            }
        }
        for (String required : requiredTopics(seedsDir, issues)) {
            if (!fileOfId.containsKey(required)) {
                issues.add(error(REQUIRED_TOPICS_FILE, required, "required topic has no entry"));
            }
        }
        return new Result(entries, issues);
    }

    private List<String> requiredTopics(Path seedsDir, List<ValidationIssue> issues) {
        Path file = seedsDir.resolve(REQUIRED_TOPICS_FILE);
        if (!Files.exists(file)) return List.of();
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
        } catch (IOException e) {
            issues.add(error(REQUIRED_TOPICS_FILE, "", "cannot read the file"));
            return List.of();
        }
    }

    private Entry parse(Path file, String name, List<ValidationIssue> issues) {
        JsonNode root;
        try {
            root = yaml.readTree(file.toFile());
        } catch (IOException e) {
            String where = e instanceof com.fasterxml.jackson.core.JsonProcessingException jpe && jpe.getLocation() != null
                    ? " near line " + jpe.getLocation().getLineNr() : "";
            issues.add(error(name, "", "not valid YAML" + where));
            return null;
        }
        if (root == null || !root.isObject()) {
            issues.add(error(name, "", "expected a YAML mapping"));
            return null;
        }
        int before = countErrors(issues);
        String id = text(root, "id");
        if (id.isEmpty()) issues.add(error(name, "id", "missing"));
        else if (!ID.matcher(id).matches()) issues.add(error(name, "id", "use lower-case words joined by '-'"));
        else if (!name.equals(id + ".yaml")) issues.add(error(name, "id", "file name must be " + id + ".yaml"));

        String category = text(root, "category");
        if (!Category.ids().contains(category)) {
            issues.add(error(name, "category", "must be one of " + Category.ids()));
        }
        LocalDate reviewed = date(root.get("reviewed"));
        if (reviewed == null) {
            issues.add(error(name, "reviewed", "missing or not a date (YYYY-MM-DD)"));
        } else if (reviewed.isAfter(LocalDate.now(clock))) {
            issues.add(error(name, "reviewed", "date is in the future"));
        } else if (reviewed.isBefore(LocalDate.now(clock).minusYears(1))) {
            issues.add(warning(name, "reviewed", "stale: last reviewed " + reviewed + ", over a year ago"));
        }
        List<String> related = strings(root.get("related"));
        if (related.contains(id)) issues.add(error(name, "related", "an entry cannot be related to itself"));
        if (related.size() > MAX_RELATED) {
            issues.add(error(name, "related", related.size() + " related entries; offer at most " + MAX_RELATED));
        }

        List<Entry.Source> sources = new ArrayList<>();
        JsonNode sourceNodes = root.get("sources");
        if (sourceNodes == null || !sourceNodes.isArray() || sourceNodes.isEmpty()) {
            issues.add(error(name, "sources", "at least one source is required"));
        } else {
            int i = 0;
            for (JsonNode s : sourceNodes) {
                String en = text(s, "en");
                String ko = text(s, "ko");
                if (en.isEmpty() || ko.isEmpty()) {
                    issues.add(error(name, "sources[" + i + "]", "needs both 'en' and 'ko' labels"));
                }
                sources.add(new Entry.Source(en, ko, date(s.get("date"))));
                i++;
            }
        }
        Map<Lang, Entry.Text> texts = new EnumMap<>(Lang.class);
        for (Lang lang : Lang.values()) {
            JsonNode node = root.get(lang.code());
            if (node == null || !node.isObject()) {
                issues.add(error(name, lang.code(), "missing the " + lang.code() + " text"));
                continue;
            }
            Entry.Text t = new Entry.Text(text(node, "title"), text(node, "answer"), text(node, "more"),
                    strings(node.get("examples")), strings(node.get("keywords")));
            checkText(name, lang, t, issues);
            texts.put(lang, t);
        }
        if (countErrors(issues) > before && (id.isEmpty() || texts.size() < 2)) return null;
        return new Entry(id, category, reviewed, related, sources, texts, name);
    }

    private static void checkText(String file, Lang lang, Entry.Text t, List<ValidationIssue> issues) {
        String p = lang.code() + ".";
        if (t.title().isEmpty()) issues.add(error(file, p + "title", "missing"));
        else if (t.title().length() > MAX_TITLE_CHARS) issues.add(error(file, p + "title", "longer than " + MAX_TITLE_CHARS + " characters"));
        int words = wordCount(t.answer());
        int min = lang == Lang.KO ? KO_MIN_WORDS : EN_MIN_WORDS;
        int max = lang == Lang.KO ? KO_MAX_WORDS : EN_MAX_WORDS;
        if (t.answer().isEmpty()) issues.add(error(file, p + "answer", "missing"));
        else if (words < min || words > max) {
            issues.add(error(file, p + "answer", words + " words; keep it between " + min + " and " + max));
        }
        int chars = charCount(t.answer());
        int maxChars = lang == Lang.KO ? KO_ANSWER_MAX_CHARS : EN_ANSWER_MAX_CHARS;
        int aimChars = lang == Lang.KO ? KO_ANSWER_AIM_CHARS : EN_ANSWER_AIM_CHARS;
        if (chars > maxChars) {
            issues.add(error(file, p + "answer", chars + " characters; at most " + maxChars + " (move detail to 'more')"));
        } else if (chars > aimChars) {
            issues.add(warning(file, p + "answer", chars + " characters; aim for " + aimChars + " or fewer"));
        }
        if (t.examples().size() < MIN_EXAMPLES) {
            issues.add(error(file, p + "examples", "at least " + MIN_EXAMPLES + " example phrasings are needed"));
        }
        if (t.keywords().isEmpty()) issues.add(warning(file, p + "keywords", "no keywords"));
    }

    /** Characters as a reader sees them (code points), after the surrounding blank space is trimmed. */
    static int charCount(String text) {
        String s = text.strip();
        return s.codePointCount(0, s.length());
    }

    static int wordCount(String text) {
        String s = text.strip();
        return s.isEmpty() ? 0 : s.split("\\s+").length;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node == null ? null : node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? "" : v.asText().strip();
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null || !node.isArray()) return out;
        Set<String> seen = new HashSet<>();
        for (JsonNode n : node) {
            if (n.isValueNode()) {
                String s = n.asText().strip();
                if (!s.isEmpty() && seen.add(s)) out.add(s);
            }
        }
        return out;
    }

    /** A YAML date, or null when absent or not a date (shared with the urgent answers). */
    static LocalDate date(JsonNode node) {
        if (node == null || node.isNull()) return null;
        try {
            return LocalDate.parse(node.asText().strip());
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static int countErrors(List<ValidationIssue> issues) {
        return (int) issues.stream().filter(i -> i.severity() == ValidationIssue.Severity.ERROR).count();
    }

    private static ValidationIssue error(String file, String field, String message) {
        return new ValidationIssue(ValidationIssue.Severity.ERROR, file, field, message);
    }

    private static ValidationIssue warning(String file, String field, String message) {
        return new ValidationIssue(ValidationIssue.Severity.WARNING, file, field, message);
    }
}
