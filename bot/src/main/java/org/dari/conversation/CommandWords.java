package org.dari.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises command words in both languages, with or without a leading slash,
 * in any case and spacing ("/Forget", "삭 제", "ASK FOR HELP").
 */
public final class CommandWords {
    private static final Pattern SQUASH = Pattern.compile("[\\s\\p{P}\\p{S}]+");

    private final Map<String, Command> byWord;

    public CommandWords(Map<String, Command> byWord) {
        Map<String, Command> squashed = new HashMap<>();
        byWord.forEach((w, c) -> squashed.put(squash(w), c));
        this.byWord = Map.copyOf(squashed);
    }

    public static CommandWords load(Path file) throws IOException {
        JsonNode root = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
        Map<String, Command> words = new HashMap<>();
        for (Command c : Command.values()) {
            JsonNode list = root.get(c.name().toLowerCase(Locale.ROOT));
            if (list == null || !list.isArray() || list.isEmpty()) {
                throw new IOException(file.getFileName() + ": no words for command '" + c.name().toLowerCase(Locale.ROOT) + "'");
            }
            for (JsonNode w : list) {
                Command previous = words.put(squash(w.asText()), c);
                if (previous != null && previous != c) {
                    throw new IOException(file.getFileName() + ": word '" + w.asText() + "' names two commands");
                }
            }
        }
        return new CommandWords(words);
    }

    public Optional<Command> match(String text) {
        if (text.length() > 40) return Optional.empty();
        return Optional.ofNullable(byWord.get(squash(text)));
    }

    private static String squash(String s) {
        return SQUASH.matcher(s.toLowerCase(Locale.ROOT)).replaceAll("");
    }
}
