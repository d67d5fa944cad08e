package org.dari.conversation;

import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.knowledge.Thresholds;
import org.dari.transport.InboundMessage;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertFalse;

/** Whatever text arrives, the conversation answers and never throws. */
class AnyInputTest {
    static Conversation conversation;
    static TestConversations.Fixture fixture;
    @org.junit.jupiter.api.io.TempDir
    static Path dir;

    @BeforeAll
    static void setUp() throws Exception {
        fixture = TestConversations.create(dir, new PrivacyFacts(Duration.ofMinutes(30), Duration.ofDays(7), Duration.ofDays(7),
                Duration.ofDays(30), Duration.ofHours(24)), Map.of(), (a, s) -> true);
        conversation = fixture.conversation();
    }

    @org.junit.jupiter.api.AfterAll
    static void tearDown() {
        fixture.close();
    }

    @Test
    void oddAndHostileTextAlwaysGetsAReply() {
        List<String> odd = List.of("\u0000\u0001\u0002", "\uD800", "\uDC00abc", "🙂🙂🙂", "ㅋㅋㅋㅋ", "ㄱ", "?", "...", "1e9",
                "99999999999999999999", "/", "//////", "AND OR NOT \"", "*:*", "title:(a", "\\", "%s %n %d", "${jndi:ldap://x}",
                "<script>alert(1)</script>", "\u202Eevil", "a".repeat(100_000), "난".repeat(50_000), "\t\r\n ",
                "조선 조선 조선 ".repeat(2000), "ＦＵＬＬＷＩＤＴＨ ｒｅｆｕｇｅｅ", "ĀāĂăĄą", "ش", "北朝鮮 難民", "0", "-1", "1.", "01");
        Session s = new Session(Lang.KO);
        long t = 0;
        for (String text : odd) {
            List<String> replies = conversation.handle(new InboundMessage("p", text, t++, false), s).texts();
            if (!text.isBlank()) assertFalse(replies.isEmpty(), "a reply for: " + text.substring(0, Math.min(20, text.length())));
        }
    }

    @Test
    void randomCodePointsNeverBreakTheConversation() {
        Random random = new Random(42);
        Session s = new Session(Lang.EN);
        for (int i = 0; i < 500; i++) {
            StringBuilder b = new StringBuilder();
            int len = random.nextInt(80);
            for (int j = 0; j < len; j++) {
                int cp = random.nextInt(4) == 0 ? 0xAC00 + random.nextInt(11172) : random.nextInt(0x10FFFF);
                if (Character.isValidCodePoint(cp)) b.appendCodePoint(cp);
            }
            conversation.handle(new InboundMessage("p", b.toString(), i, random.nextBoolean()), s);
        }
    }
}
