package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import org.dari.transport.FakeSignalCliDaemon;
import org.dari.transport.FakeSignalCliDaemon.RpcCall;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bot of {@code dari run} with {@code signal.transport: signal-cli}, against a stand-in for signal-cli's JSON-RPC daemon. */
class SignalCliEndToEndTest {
    private static final String KOREAN_PERSON = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    private static final String GROUP_MEMBER = "9a9a9a9a-2222-4c1e-9a47-2d6f0b1c9e33";
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** The first answer also waits for the bot to start: slow on a busy machine. */
    private static final Duration STARTUP = Duration.ofMinutes(3);

    @Test
    void aKoreanQuestionGetsAKoreanAnswerThroughSignalCli(@TempDir Path dir) throws Exception {
        try (FakeSignalCliDaemon daemon = FakeSignalCliDaemon.started(200)) {
            Path file = dir.resolve("dari.yaml");
            Files.writeString(file, """
                    data_dir: %s
                    signal:
                      transport: signal-cli
                      url: %s
                      number: "%s"
                    retention:
                      purge_interval_minutes: 60
                    knowledge:
                      reload_seconds: 1
                    """.formatted(dir.resolve("data"), daemon.baseUrl(), FakeSignalCliDaemon.BOT_NUMBER));
            Config config = TestBots.load(file);
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                daemon.push(Envelopes.group(GROUP_MEMBER, "+4915112340000", t, "중국이 강제북송하는건 국제법 위반 아님까"));
                daemon.push(Envelopes.text(KOREAN_PERSON, "+4915112345678", t + 1, "중국이 강제북송하는건 국제법 위반 아님까"));

                TestBots.await("an answer", STARTUP, () -> !sendsTo(daemon, KOREAN_PERSON).isEmpty());
                String korean = sendsTo(daemon, KOREAN_PERSON).get(0).path("message").asText();
                assertTrue(korean.contains("출처") || korean.contains("번호를 보내세요"), "a Korean answer or choices");
                assertTrue(korean.chars().anyMatch(c -> c >= 0xAC00 && c <= 0xD7A3), "the reply is in Korean");

                List<RpcCall> timers = daemon.calls("updateContact");
                assertTrue(timers.stream().anyMatch(c -> c.params().path("recipient").asText().equals(KOREAN_PERSON)
                        && c.params().path("expiration").asInt() == 24 * 3600), "disappearing messages switched on");
                int timerIndex = daemon.calls().indexOf(timers.get(0));
                int sendIndex = daemon.calls().indexOf(daemon.calls("send").get(0));
                assertTrue(timerIndex < sendIndex, "the timer was set before the first reply");

                Thread.sleep(500);
                assertTrue(sendsTo(daemon, GROUP_MEMBER).isEmpty(), "never answers in a group");
                assertEquals(1, daemon.calls("send").size(), "one reply for one question");
                assertFalse(daemon.calls("send").stream().anyMatch(c -> c.params().path("recipient").path(0).asText().startsWith("+")),
                        "replies go to the UUID, never the phone number");

                // forget: Dari's rows go at once, and once the confirmation is out signal-cli forgets her too
                daemon.push(Envelopes.text(KOREAN_PERSON, "+4915112345678", t + 2, "삭제"));
                TestBots.await("signal-cli told to forget her", WAIT, () -> !daemon.calls("removeContact").isEmpty());
                RpcCall forget = daemon.calls("removeContact").get(0);
                assertEquals(KOREAN_PERSON, forget.params().path("recipient").asText());
                assertTrue(forget.params().path("forget").asBoolean(), "removeContact with forget");
                List<JsonNode> sends = sendsTo(daemon, KOREAN_PERSON);
                String confirmation = sends.get(sends.size() - 1).path("message").asText();
                assertTrue(confirmation.contains("모두 지웠어요") && confirmation.contains("시그널"),
                        "the confirmation, sent first, says the Signal side forgets too: " + confirmation);
                assertTrue(daemon.calls().indexOf(forget) > daemon.calls().indexOf(daemon.calls("send").get(daemon.calls("send").size() - 1)),
                        "forgotten only after the confirmation went out");
            }
        }
    }

    private static List<JsonNode> sendsTo(FakeSignalCliDaemon daemon, String recipient) {
        return daemon.calls("send").stream().map(RpcCall::params)
                .filter(p -> p.path("recipient").path(0).asText().equals(recipient))
                .toList();
    }
}
