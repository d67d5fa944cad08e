package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bot of {@code dari run} against a local server speaking the signal-cli-rest-api contract. */
class SignalEndToEndTest {
    private static final String KOREAN_PERSON = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    private static final String ENGLISH_PERSON = "7d1f0e2b-1111-4c1e-9a47-2d6f0b1c9e22";
    private static final String GROUP_MEMBER = "9a9a9a9a-2222-4c1e-9a47-2d6f0b1c9e33";
    private static final Duration WAIT = Duration.ofSeconds(30);

    @ParameterizedTest
    @EnumSource(FakeSignalServer.Mode.class)
    void answersKoreanAndEnglishIgnoresGroupsAndReceiptsAndSurvivesTheServerRestarting(
            FakeSignalServer.Mode mode, @TempDir Path dir) throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(mode)) {
            server.start();
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                server.push(Envelopes.text(KOREAN_PERSON, "+4915112345678", t, "중국이 강제북송하는건 국제법 위반 아님까"));
                server.push(Envelopes.receipt(KOREAN_PERSON, t + 1));
                server.push(Envelopes.group(GROUP_MEMBER, "+4915112340000", t + 2, "hello, is china allowed to deport us?"));
                server.push(Envelopes.hiddenNumber(ENGLISH_PERSON, t + 3, "can china legally send me back to north korea?"));

                TestBots.await("an answer to both people", WAIT, () ->
                        !TestBots.sendsTo(server, KOREAN_PERSON).isEmpty() && !TestBots.sendsTo(server, ENGLISH_PERSON).isEmpty());
                String korean = TestBots.text(TestBots.sendsTo(server, KOREAN_PERSON).get(0));
                String english = TestBots.text(TestBots.sendsTo(server, ENGLISH_PERSON).get(0));
                assertTrue(korean.contains("출처") || korean.contains("번호를 보내세요"), "a Korean answer or choices");
                assertTrue(korean.chars().anyMatch(c -> c >= 0xAC00 && c <= 0xD7A3), "the reply is in Korean");
                assertTrue(english.contains("source(s)") || english.contains("Send a number"), "an English answer or choices");
                assertTrue(english.toLowerCase().contains("send"), "the reply is in English");

                // disappearing messages were switched on before the first reply
                assertTrue(server.contactUpdates().stream().anyMatch(c -> c.path("recipient").asText().equals(KOREAN_PERSON)
                        && c.path("expiration_in_seconds").asInt() == 24 * 3600));

                server.stop();
                Thread.sleep(1500);
                server.restart();
                server.push(Envelopes.text(KOREAN_PERSON, "+4915112345678", t + 10, "메뉴"));
                TestBots.await("an answer after the server came back", WAIT,
                        () -> TestBots.sendsTo(server, KOREAN_PERSON).size() >= 2);
                assertTrue(TestBots.text(TestBots.sendsTo(server, KOREAN_PERSON).get(1)).contains("삭제"), "the Korean menu");

                Thread.sleep(500);
                assertTrue(TestBots.sendsTo(server, GROUP_MEMBER).isEmpty(), "never answers in a group");
                List<JsonNode> all = server.sends();
                assertEquals(3, all.size(), "one reply per question, none for the receipt or the group");
                assertFalse(all.stream().anyMatch(s -> s.path("recipients").path(0).asText().startsWith("+")),
                        "replies go to the UUID, never the phone number");
            }
        }
    }

    /**
     * A changed safety number may be a reinstall, or someone else holding her number: the queued
     * answer (which shows what she asked) is dropped, the new key is accepted, and only a neutral
     * notice goes out, once.
     */
    @org.junit.jupiter.api.Test
    void aChangedSafetyNumberGetsANeutralNoticeNotTheQueuedAnswer(@TempDir Path dir) throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(FakeSignalServer.Mode.NORMAL)) {
            server.start();
            server.replyToNextSend(FakeSignalServer.SendReply.error(400, "Failed to send message due to untrusted identities"));
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));
            try (TestBots.Running bot = TestBots.run(config)) {
                server.push(Envelopes.text(KOREAN_PERSON, "+4915112345678", 1_755_379_200_000L, "안녕하세요"));
                TestBots.await("the retried reply", WAIT, () -> TestBots.sendsTo(server, KOREAN_PERSON).size() >= 2);
            }
            var trust = server.trustRequests();
            assertEquals(1, trust.size(), "the new safety number was accepted once");
            assertEquals(KOREAN_PERSON, trust.get(0).numberToTrust());
            assertTrue(trust.get(0).body().path("trust_all_known_keys").asBoolean());
            List<JsonNode> sends = TestBots.sendsTo(server, KOREAN_PERSON);
            assertTrue(TestBots.text(sends.get(0)).contains("다리"), "the answer was tried first");
            assertTrue(TestBots.text(sends.get(1)).contains("전에 하던 대화는 지웠어요"), "then only the neutral notice");
            assertFalse(TestBots.text(sends.get(1)).contains(TestBots.text(sends.get(0))), "the queued answer is not sent");
            assertEquals(2, sends.size(), "nothing else");
        }
    }
}
