package org.dari.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code dari console} with piped input, as a script would use it. */
class ConsoleEndToEndTest {

    private static String chat(Path data, String... lines) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String input = String.join("\n", lines) + "\n";
        int exit = ConsoleCommand.run(Config.defaults().withDataDir(data.toString()), TestBots.HOME,
                new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), false);
        assertEquals(0, exit, "clean exit at end of input");
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void chatsInKoreanWithNorthKoreanWordsAndNoSpaces(@TempDir Path dir) throws Exception {
        String out = chat(dir.resolve("data"), "안녕하세요", "보위부에끌려가면고문당함까", "더", "1");
        assertTrue(out.contains("다리(Dari)예요"), "welcome");
        assertTrue(out.contains("2. 국제법"), "menu with categories after the danger item");
        assertTrue(out.contains("출처를 보내면") || out.contains("'출처'를 보내면"), "an answer with its source");
        assertTrue(Files.exists(dir.resolve("data").resolve("dari.db")), "state kept in a local SQLite file");
    }

    @Test
    void chatsInEnglishWithMisspellingsAndDeclinesOffTopic(@TempDir Path dir) throws Exception {
        String out = chat(dir.resolve("data"), "hello", "can chinese police deport me back to north korae?",
                "what's a good recipe for fried rice", "privacy");
        assertTrue(out.contains("This is Dari"), "welcome in English");
        assertTrue(out.contains("source(s)") || out.contains("Send a number"), "an answer or choices");
        assertTrue(out.contains("I don't have an answer to that"), "off-topic is declined plainly");
        assertTrue(out.contains("30 minutes"), "privacy notice with the configured figures");
    }

    @Test
    void switchesLanguageByCommandAndForgets(@TempDir Path dir) throws Exception {
        String out = chat(dir.resolve("data"), "/English", "3", "/한국어", "메뉴");
        assertTrue(out.contains("I'll answer in English now."));
        assertTrue(out.contains("[China's law and practice]"), "a number picks a menu category");
        assertTrue(out.contains("이제 한국어로 답할게요."));
        // forget also erases replies not yet delivered, so it gets a chat of its own here
        assertTrue(chat(dir.resolve("data"), "삭 제").contains("모두 지웠어요"), "forget, with odd spacing, confirms");
        assertTrue(chat(dir.resolve("data"), "/Forget").contains("I have erased everything"), "and in English");
    }

    @Test
    void numbersOfferedAsChoicesLeadToAnswersAndZeroMeansNoneOfThese(@TempDir Path dir) throws Exception {
        String out = chat(dir.resolve("data"), "7", "1", "0", "99");
        assertTrue(out.contains("[안전과 도움 받기]"));
        assertTrue(out.contains("출처를 보내면") || out.contains("'출처'를 보내면"), "topic 1 of the category answered");
        assertTrue(out.contains("그 번호는 목록에 없어요"), "a number not on the list is explained");
    }
}
