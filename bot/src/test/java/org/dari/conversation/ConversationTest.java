package org.dari.conversation;

import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.knowledge.Thresholds;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConversationTest {
    static final Path HOME = Path.of(System.getProperty("dari.home", "..")).toAbsolutePath().normalize();
    static final PrivacyFacts FACTS = new PrivacyFacts(Duration.ofMinutes(17), Duration.ofDays(3), Duration.ofDays(5),
            Duration.ofDays(41), Duration.ofHours(48));
    static Messages messages;
    static Conversation conversation;
    static TestConversations.Fixture fixture;
    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        fixture = TestConversations.create(dir, FACTS,
                Map.of("safety-help", Map.of(Lang.KO, "안전과 도움 받기", Lang.EN, "Safety and getting help")), (a, s) -> true);
        messages = fixture.messages();
        conversation = fixture.conversation();
    }

    @org.junit.jupiter.api.AfterAll
    static void tearDown() {
        fixture.close();
    }

    private static List<String> say(Session s, String text) {
        return conversation.handle(new InboundMessage("someone", text, System.nanoTime(), false), s).texts();
    }

    @Test
    void privacyNoticeStatesTheConfiguredFiguresInBothLanguages() {
        for (Lang lang : Lang.values()) {
            Session s = new Session(lang);
            s.chooseLanguage(lang);
            String notice = String.join("\n", say(s, lang == Lang.KO ? "개인정보" : "/privacy"));
            List<Long> numbers = numbers(notice);
            assertEquals(List.of(17L, 3L, 5L, 41L, 2L), numbers, "the figures, in order, match the configuration: " + notice);
        }
    }

    private static List<Long> numbers(String text) {
        Matcher m = Pattern.compile("\\d+").matcher(text);
        List<Long> out = new java.util.ArrayList<>();
        while (m.find()) out.add(Long.parseLong(m.group()));
        return out;
    }

    @Test
    void commandsWorkInBothLanguagesWithOrWithoutSlashAndSpacing() {
        Session s = new Session(Lang.KO);
        assertTrue(say(s, "/ENGLISH").get(0).contains("English now"));
        assertTrue(say(s, "  메 뉴 ").get(0).contains("forget"), "menu in the chosen language");
        Reply forget = conversation.handle(new InboundMessage("someone", "지우기", 1, false), s);
        assertTrue(forget.eraseSender());
        assertFalse(conversation.handle(new InboundMessage("someone", "/privacy", 2, false), s).eraseSender());
    }

    @Test
    void attachmentsAreAnsweredWithAnExplanation() {
        Session s = new Session(Lang.KO);
        List<String> replies = conversation.handle(new InboundMessage("someone", "", 1, true), s).texts();
        assertEquals(List.of(messages.get(Lang.KO, "attachments_deleted")), replies);
    }

    @Test
    void moreShowsTheLongPartOfTheLastAnswer() {
        Session s = new Session(Lang.EN);
        say(s, "7");
        String answer = say(s, "1").get(0);
        assertTrue(answer.contains("source(s): send 'sources'"), "one short line instead of the list: " + answer);
        String sources = say(s, "sources").get(0);
        assertTrue(sources.contains("sources:") && sources.contains("\n· "), "the full list on request: " + sources);
        String more = say(s, "more").get(0);
        assertFalse(more.isBlank());
        assertFalse(answer.contains(more.substring(more.indexOf('\n') + 1, Math.min(more.length(), more.indexOf('\n') + 40))),
                "more adds what the answer did not say");
    }

    @Test
    void everyMessageExistsInBothLanguages() throws IOException {
        assertEquals(messages.keys(Lang.KO), messages.keys(Lang.EN));
        Path dir = Files.createTempDirectory("i18n");
        Files.writeString(dir.resolve("messages-ko.yaml"), "welcome: 안녕\nmenu: 메뉴\n");
        Files.writeString(dir.resolve("messages-en.yaml"), "welcome: hello\n");
        var e = assertThrows(IllegalArgumentException.class, () -> Messages.load(dir));
        assertTrue(e.getMessage().contains("menu"));
    }

    @Test
    void everyKeyTheCodeUsesExists() throws IOException {
        Pattern used = Pattern.compile("messages\\.get\\([^,]+,\\s*\"([a-z_]+)\"");
        try (var files = Files.walk(HOME.resolve("bot/src/main/java"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                Matcher m = used.matcher(Files.readString(f));
                while (m.find()) {
                    assertTrue(messages.keys(Lang.KO).contains(m.group(1)), f.getFileName() + " uses missing key " + m.group(1));
                }
            }
        }
    }
}
