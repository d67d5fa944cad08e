package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.dari.transport.FakeSignalServer.SendReply;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A round trip over the signal-cli-rest-api contract in both modes while Signal rate-limits the
 * bot, in the words signal-cli 0.14.5 uses (a 400 carrying its output when polling, a 429 in
 * json-rpc mode): every reply arrives, none twice.
 */
class RateLimitRoundTripTest {
    private static final List<String> PEOPLE = List.of("3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11",
            "7d1f0e2b-1111-4c1e-9a47-2d6f0b1c9e22", "5a5a5a5a-3333-4c1e-9a47-2d6f0b1c9e44");
    private static final Duration WAIT = Duration.ofSeconds(60);

    /** What signal-cli-rest-api answers to a rate-limited send, per mode. */
    static List<SendReply> rateLimits(FakeSignalServer.Mode mode, String recipient) {
        if (mode == FakeSignalServer.Mode.JSON_RPC) {
            ObjectNode body = JsonNodeFactory.instance.objectNode()
                    .put("error", "Failed to send message due to rate limiting. Please try again later.")
                    .put("account", FakeSignalServer.BOT_NUMBER);
            body.putArray("challenge_tokens").add("");
            return List.of(new SendReply(429, body.toString()), new SendReply(429, body.toString()),
                    SendReply.error(400, "Failed to send message due to rate limiting"));
        }
        // normal mode: signal-cli's stdout and stderr joined, exit code 5
        return List.of(
                SendReply.error(400, recipient + ": Rate limit failure for \"" + recipient + "\", retry after 3 seconds\n"
                        + "Failed to send message due to rate limiting"),
                SendReply.error(400, "Failed to send message due to rate limiting"),
                SendReply.error(400, "Failed to send message: CAPTCHA proof required for sending to \"" + recipient
                        + "\", available options \"RECAPTCHA\" with token \"0f7c8d2e\""));
    }

    @ParameterizedTest
    @EnumSource(FakeSignalServer.Mode.class)
    void noReplyIsLostAndNoneIsSentTwiceUnderRateLimits(FakeSignalServer.Mode mode, @TempDir Path dir) throws Exception {
        try (FakeSignalServer server = new FakeSignalServer(mode)) {
            server.start();
            Config config = TestBots.load(TestBots.signalConfig(dir, server, dir.resolve("data")));
            List<SendReply> refusals = rateLimits(mode, PEOPLE.get(0));
            refusals.forEach(server::replyToNextSend);
            try (TestBots.Running bot = TestBots.run(config)) {
                long t = 1_755_379_200_000L;
                for (int i = 0; i < PEOPLE.size(); i++) {
                    server.push(Envelopes.text(PEOPLE.get(i), "+491511234567" + i, t + i, "난민이 뭐예요"));
                }
                TestBots.await("an accepted answer to everyone", WAIT, () -> {
                    List<JsonNode> sends = server.sends();
                    if (sends.size() <= refusals.size()) return false;
                    List<JsonNode> accepted = sends.subList(refusals.size(), sends.size());
                    return PEOPLE.stream().allMatch(p -> accepted.stream().anyMatch(s -> recipient(s).equals(p)));
                });
                Thread.sleep(2500); // time for any duplicate to show up
                List<JsonNode> sends = server.sends();
                List<JsonNode> accepted = sends.subList(refusals.size(), sends.size());
                for (String person : PEOPLE) {
                    List<String> texts = accepted.stream().filter(s -> recipient(s).equals(person)).map(TestBots::text).toList();
                    assertFalse(texts.isEmpty(), "a reply reached every person");
                    assertEquals(texts.size(), texts.stream().distinct().count(), "no reply sent twice");
                }
            }
        }
    }

    private static String recipient(JsonNode send) {
        return send.path("recipients").path(0).asText();
    }
}
