package org.dari.conversation;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.dari.knowledge.Lang;
import org.dari.referral.ReferralCode;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Any text a person sends (command words, numbered choices, referral codes, and all the rest),
 * as a short run of messages split at U+0001: the conversation answers every non-blank message,
 * never throws, and the code parser reads back exactly the codes it prints. Regression inputs:
 * {@code CommandAndChoiceFuzzTestInputs/anyMessages/}.
 */
class CommandAndChoiceFuzzTest {
    private static final int MAX_MESSAGES = 6;
    private static Path dir;
    private static TestConversations.Fixture fixture;
    private static CommandWords words;
    private static long timestamp;

    @BeforeAll
    static void setUp() throws Exception {
        dir = Files.createTempDirectory("dari-conversation-fuzz");
        fixture = TestConversations.create(dir, new PrivacyFacts(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofHours(24)), Map.of(), (a, s) -> true);
        words = CommandWords.load(TestConversations.HOME.resolve("i18n/commands.yaml"));
    }

    @AfterAll
    static void tearDown() {
        fixture.close();
    }

    @FuzzTest(maxDuration = "10m")
    void anyMessages(byte[] input) {
        String all = new String(input, StandardCharsets.UTF_8);
        String[] texts = all.split("\u0001", MAX_MESSAGES);
        Session session = new Session(Lang.KO);
        for (String text : texts) {
            Optional<Command> command = words.match(text);
            assertNotNull(command);
            checkCode(text);
            Reply reply = fixture.conversation().handle(new InboundMessage("fuzz-person", text, ++timestamp, false), session);
            List<String> said = reply.texts();
            if (!text.isBlank()) assertFalse(said.isEmpty(), "every non-blank message gets an answer");
            for (String s : said) assertFalse(s == null || s.isBlank(), "no empty message is sent");
        }
    }

    private static void checkCode(String text) {
        Optional<ReferralCode.Leading> leading = ReferralCode.leading(text);
        if (leading.isEmpty()) return;
        ReferralCode code = leading.get().code();
        assertEquals(Optional.of(code), ReferralCode.parse(code.display()), "a printed code reads back as itself");
        assertEquals(Optional.of(code), ReferralCode.parse(code.display().toLowerCase(java.util.Locale.ROOT).replace('-', ' ')));
        assertFalse(code.toString().contains(code.secret()), "the secret part is never printed");
        assertTrue(text.contains(leading.get().rest()));
    }
}
