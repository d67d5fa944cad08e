package org.dari.conversation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Recognises command words in both languages, with or without a leading slash,
 * in any case and spacing ("/Forget", "삭 제", "ASK FOR HELP"), and some commands said in a
 * sentence ("기록 다 지워 주세요", "in korean please"), by the small grammars in the same file.
 */
public final class CommandWords {
    /** The commands that can also be said in a sentence (the grammars under {@code said:}). */
    private static final List<Command> SAID = List.of(Command.FORGET, Command.KOREAN, Command.ENGLISH);
    private static final Pattern SQUASH = Pattern.compile("[\\s\\p{P}\\p{S}]+");

    private final Map<String, Command> byWord;
    private final Map<Command, Phrasing> said;
    private final SmallTalk smallTalk;
    private final WordBag openers;
    /** "뭘 물어볼 수 있나요", "show me the list": asking what Dari does, or for the menu, in a sentence; null when not loaded. */
    private final Phrasing asksForMenu;

    public CommandWords(Map<String, Command> byWord) {
        this(byWord, Map.of(), SmallTalk.none(), WordBag.empty(), null);
    }

    private CommandWords(Map<String, Command> byWord, Map<Command, Phrasing> said, SmallTalk smallTalk, WordBag openers,
                         Phrasing asksForMenu) {
        Map<String, Command> squashed = new HashMap<>();
        byWord.forEach((w, c) -> squashed.put(squash(w), c));
        this.byWord = Map.copyOf(squashed);
        this.said = new EnumMap<>(Command.class);
        this.said.putAll(said);
        this.smallTalk = smallTalk;
        this.openers = openers;
        this.asksForMenu = asksForMenu;
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
        JsonNode saidNode = root.path("said");
        Map<String, List<String>> parts = Phrasing.parts(saidNode.get("parts"));
        Map<Command, Phrasing> said = new EnumMap<>(Command.class);
        for (Command c : SAID) {
            String name = c.name().toLowerCase(Locale.ROOT);
            said.put(c, Phrasing.of(saidNode.get(name), parts, name));
        }
        JsonNode wordless = root.path("wordless");
        SmallTalk talk = new SmallTalk(grammar(root, "thanks"), grammar(root, "okay"),
                Phrasing.strings(wordless.get("sad")), Phrasing.strings(wordless.get("glad")));
        JsonNode opener = root.path("opener");
        WordBag openers = new WordBag(Phrasing.strings(opener.get("ko")), Phrasing.strings(opener.get("en")),
                Phrasing.strings(opener.get("greetings")));
        return new CommandWords(words, said, talk, openers, grammar(root, "asks_for_menu"));
    }

    /** A grammar with its own parts, under a top-level key. */
    private static Phrasing grammar(JsonNode root, String key) throws IOException {
        JsonNode node = root.get(key);
        return Phrasing.of(node, Phrasing.parts(node == null ? null : node.get("parts")), key);
    }

    /** The command a message gives: a command word, or a command said in a sentence. */
    public Optional<Command> match(String text) {
        if (text.length() <= 40) {
            Command word = byWord.get(squash(text));
            if (word != null) return Optional.of(word);
        }
        if (text.length() > Phrasing.MAX_CHARS) return Optional.empty();
        Phrasing.Prepared prepared = Phrasing.Prepared.of(text); // once, not once per command
        for (var phrasing : said.entrySet()) {
            if (phrasing.getValue().matches(prepared)) return Optional.of(phrasing.getKey());
        }
        return Optional.empty();
    }

    /**
     * A greeting or opener ("안녕하세요 저 처음인데요", "hi, what is this?"), or a question about what Dari
     * can do or a request for the list ("뭘 물어볼 수 있나요", "show me the list"): to be answered with the menu.
     */
    public boolean isOpener(String text) {
        return openers.matches(text) || (asksForMenu != null && asksForMenu.matches(text));
    }

    /** Mostly words of an opener ("여기 사람 있어요?"): the menu, if the knowledge base has no answer. */
    public boolean isMostlyOpener(String text) {
        return openers.mostly(text);
    }

    /** What follows a greeting that opens the message ("안녕하세요 혹시 계세요?" → "혹시 계세요?"), if it opens with one. */
    public Optional<String> afterGreeting(String text) {
        return openers.afterGreeting(text);
    }

    /** Thanks, feelings without words, or a language Dari cannot read. */
    public Optional<SmallTalk.Kind> smallTalk(String text) {
        return smallTalk.of(text);
    }

    private static String squash(String s) {
        return SQUASH.matcher(s.toLowerCase(Locale.ROOT)).replaceAll("");
    }
}
