package org.dari.transport;

import org.dari.transport.FakeSignalServer.Envelopes;
import org.dari.transport.FakeSignalServer.Mode;
import org.dari.transport.SignalConfig.ReceiveMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import okhttp3.HttpUrl;
import okhttp3.mockwebserver.RecordedRequest;

import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SignalTransportReceiveTest {
    static final String UUID_A = "3b5e6c2a-8f0d-4c1e-9a47-2d6f0b1c9e11";
    static final String NUMBER_A = "+4915112345678";
    static final String UUID_B = "9d2f4a10-1c3b-4e5f-8a7b-6c5d4e3f2a1b";
    static final long TS = 1755379200123L;

    private FakeSignalServer fake;
    private SignalTransport transport;

    @AfterEach
    void tearDown() {
        if (transport != null) transport.close();
        if (fake != null) fake.close();
    }

    static SignalConfig config(FakeSignalServer fake, ReceiveMode mode) {
        return new SignalConfig(fake.baseUrl(), FakeSignalServer.BOT_NUMBER, mode, 1,
                Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(5));
    }

    private RecordingSink startAuto(Mode mode) {
        return start(mode, ReceiveMode.AUTO, new RecordingSink());
    }

    private RecordingSink start(Mode mode, ReceiveMode receiveMode, RecordingSink sink) {
        fake = new FakeSignalServer(mode);
        fake.start();
        transport = new SignalTransport(config(fake, receiveMode));
        transport.start(sink);
        return sink;
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void deliversKoreanAndEnglishText(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "도와주세요. 여권이 없어요"));
        fake.push(Envelopes.text(UUID_B, NUMBER_A, TS + 1, "I need help, I have no papers"));

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);

        assertEquals(new InboundMessage(UUID_A, "도와주세요. 여권이 없어요", TS, false), got.get(0));
        assertEquals(new InboundMessage(UUID_B, "I need help, I have no papers", TS + 1, false), got.get(1));
        assertEquals(mode == Mode.NORMAL ? ReceiveMode.POLL : ReceiveMode.WEBSOCKET, transport.stats().mode());
        assertEquals(2, transport.stats().delivered());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void anOversizedPollAnswerOrFrameIsDroppedAndReceivingGoesOn(Mode mode) {
        RecordingSink sink = startAuto(mode);
        if (mode == Mode.NORMAL) {
            // a valid message, but a poll answer over the cap: never read whole, never parsed
            String huge = "x".repeat((int) InboundPipeline.MAX_POLL_BYTES);
            fake.pushPollBody("[" + Envelopes.text(UUID_B, NUMBER_A, TS, huge) + "]");
        } else {
            fake.push(Envelopes.text(UUID_B, NUMBER_A, TS, "x".repeat(InboundPipeline.MAX_EVENT_CHARS + 1)));
        }
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "hello"));

        List<InboundMessage> got = sink.await(1, Await.DEFAULT);
        assertEquals(UUID_A, got.get(0).sender(), "the oversized one was dropped, the next one came through");
        Await.quietPeriod(Duration.ofMillis(200));
        assertEquals(1, sink.messages().size());
        assertEquals(1, transport.stats().malformed(), "the dropped input is counted");
    }

    /**
     * Websocket frames that arrive while the bot is still journaling an earlier one are journaled
     * together, in one commit, in the order received. (signal-cli's daemon's server-sent events
     * take the same path in EventStreamLoop.)
     */
    @Test
    void websocketFramesThatArriveMeanwhileAreJournaledTogetherInOrder() throws Exception {
        java.util.concurrent.CountDownLatch firstTaken = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        List<List<InboundMessage>> batches = new java.util.concurrent.CopyOnWriteArrayList<>();
        BatchSink sink = new BatchSink() {
            @Override
            public void accept(InboundMessage message) throws Exception {
                acceptAll(List.of(message));
            }

            @Override
            public void acceptAll(List<InboundMessage> messages) throws Exception {
                firstTaken.countDown();
                release.await(); // a slow journal: the next frames wait in the queue meanwhile
                batches.add(List.copyOf(messages));
            }
        };
        fake = new FakeSignalServer(Mode.JSON_RPC);
        fake.start();
        transport = new SignalTransport(config(fake, ReceiveMode.WEBSOCKET));
        transport.start(sink);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "first"));
        assertTrue(firstTaken.await(10, java.util.concurrent.TimeUnit.SECONDS));
        for (int i = 1; i <= 30; i++) fake.push(Envelopes.text(i % 2 == 0 ? UUID_A : UUID_B, NUMBER_A, TS + i, "m" + i));
        Await.until(() -> fake.handouts().size() >= 31, Await.DEFAULT, () -> "frames sent: " + fake.handouts().size());
        Await.quietPeriod(Duration.ofMillis(300)); // the client has read them into its queue
        release.countDown();
        Await.until(() -> batches.stream().mapToInt(List::size).sum() == 31, Await.DEFAULT, () -> "batches: " + batches);

        assertEquals(1, batches.get(0).size());
        assertTrue(batches.size() <= 3, "the 30 waiting frames are journaled together, not one commit each: " + batches.size());
        List<Long> order = batches.stream().flatMap(List::stream).map(InboundMessage::timestamp).toList();
        assertEquals(java.util.stream.LongStream.rangeClosed(TS, TS + 30).boxed().toList(), order, "in the order received");
    }

    @Test
    void pollingFollowsTheContract() {
        RecordingSink sink = start(Mode.NORMAL, ReceiveMode.POLL, new RecordingSink());
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "hello"));
        sink.await(1, Await.DEFAULT);

        RecordedRequest poll = fake.requests().stream()
                .filter(r -> r.getPath().startsWith("/v1/receive/")).findFirst().orElseThrow();
        HttpUrl url = poll.getRequestUrl();
        assertEquals("GET", poll.getMethod());
        assertTrue(poll.getPath().startsWith("/v1/receive/%2B4915187654321?"), "number is URL-encoded in the path");
        assertEquals(FakeSignalServer.BOT_NUMBER, url.pathSegments().get(2));
        assertEquals("1", url.queryParameter("timeout"));
        assertEquals("true", url.queryParameter("ignore_attachments"));
        assertEquals("true", url.queryParameter("ignore_stories"));
        assertTrue(fake.requests().stream().noneMatch(r -> r.getPath().equals("/v1/about")), "forced POLL does not ask /v1/about");
    }

    @Test
    void forcedWebsocketConnectsToTheReceivePath() {
        RecordingSink sink = start(Mode.JSON_RPC, ReceiveMode.WEBSOCKET, new RecordingSink());
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "hello"));
        sink.await(1, Await.DEFAULT);

        RecordedRequest upgrade = fake.requests().stream()
                .filter(r -> r.getPath().startsWith("/v1/receive/")).findFirst().orElseThrow();
        assertEquals("/v1/receive/%2B4915187654321", upgrade.getPath());
        assertEquals("websocket", upgrade.getHeader("Upgrade"));
        assertEquals(1, fake.webSocketOpens());
        assertTrue(fake.requests().stream().noneMatch(r -> r.getPath().equals("/v1/about")));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aboutFailuresAreRetriedWithoutCrashing(Mode mode) {
        fake = new FakeSignalServer(mode);
        fake.failAbout(3);
        fake.start();
        RecordingSink sink = new RecordingSink();
        transport = new SignalTransport(config(fake, ReceiveMode.AUTO));
        transport.start(sink);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "hello"));

        sink.await(1, Await.DEFAULT);
        assertTrue(fake.requests().stream().filter(r -> r.getPath().equals("/v1/about")).count() >= 4);
    }

    @Test
    void aboutUnreachableAtStartIsRetriedUntilTheServerComesUp() {
        fake = new FakeSignalServer(Mode.JSON_RPC);
        fake.start();
        fake.stop();
        RecordingSink sink = new RecordingSink();
        transport = new SignalTransport(config(fake, ReceiveMode.AUTO));
        transport.start(sink);
        Await.quietPeriod(Duration.ofMillis(150));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "hello"));
        fake.start();

        assertEquals("hello", sink.await(1, Await.DEFAULT).get(0).text());
        assertEquals(ReceiveMode.WEBSOCKET, transport.stats().mode());
    }

    @Test
    void autoModeSwitchesToWebsocketWhenReceiveAnswers400() {
        RecordingSink sink = startAuto(Mode.NORMAL);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "first"));
        sink.await(1, Await.DEFAULT);
        assertEquals(ReceiveMode.POLL, transport.stats().mode());

        fake.restart(Mode.JSON_RPC);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "second"));

        assertEquals("second", sink.await(2, Await.DEFAULT).get(1).text());
        assertEquals(ReceiveMode.WEBSOCKET, transport.stats().mode());
        assertTrue(fake.webSocketOpens() >= 1);
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void reconnectsAfterTheServerGoesAwayAndComesBack(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "before"));
        sink.await(1, Await.DEFAULT);

        fake.stop();
        Await.until(() -> transport.stats().reconnects() >= 2, "the transport notices and keeps retrying");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "after"));
        fake.start();

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(List.of("before", "after"), got.stream().map(InboundMessage::text).toList());
        assertEquals(2, transport.stats().delivered());
    }

    @Test
    void websocketReconnectsAtOnceWhenTheServerClosesIt() {
        RecordingSink sink = startAuto(Mode.JSON_RPC);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "before"));
        sink.await(1, Await.DEFAULT);

        fake.closeWebSockets();
        Await.until(() -> fake.webSocketOpens() == 2, Duration.ofSeconds(2), () -> "reconnected");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "after"));

        assertEquals("after", sink.await(2, Await.DEFAULT).get(1).text());
        assertEquals(1, transport.stats().reconnects());
    }

    @Test
    void pollingSkipsGarbageAndTruncatedJsonAndKeepsTheGoodMessages() {
        RecordingSink sink = startAuto(Mode.NORMAL);
        String good1 = Envelopes.text(UUID_A, NUMBER_A, TS, "one");
        String good2 = Envelopes.text(UUID_A, NUMBER_A, TS + 1, "two");
        String wrongType = "{\"envelope\":{\"sourceUuid\":\"" + UUID_A + "\",\"timestamp\":\"soon\",\"dataMessage\":{\"message\":\"x\"}}}";
        String truncated = Envelopes.text(UUID_A, NUMBER_A, TS + 2, "cut off");
        truncated = truncated.substring(0, truncated.length() / 2);
        fake.pushPollBody("[" + good1 + ",WARN stray signal-cli line: {oops}," + wrongType + ",\"text\",42,null," + good2 + "," + truncated + "]");
        fake.pushPollBody("not json at all {{{");
        fake.pushPollBody("");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 3, "three"));

        List<InboundMessage> got = sink.await(3, Await.DEFAULT);
        assertEquals(List.of("one", "two", "three"), got.stream().map(InboundMessage::text).toList());
        assertTrue(transport.stats().malformed() >= 6, "counted: " + transport.stats().malformed());
    }

    @Test
    void websocketSkipsGarbageFramesAndKeepsGoing() {
        RecordingSink sink = startAuto(Mode.JSON_RPC);
        fake.push("not json");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "cut").substring(0, 40));
        fake.push("[1,2,3]");
        fake.push("null");
        fake.push("{\"envelope\":[]}");
        fake.push("{\"envelope\":{\"sourceUuid\":\"" + UUID_A + "\",\"timestamp\":" + TS + ",\"dataMessage\":{\"message\":5}}}");
        fake.push("{\"envelope\":{\"sourceUuid\":42,\"timestamp\":" + TS + ",\"dataMessage\":{\"message\":\"x\"}}}");
        fake.push("{\"envelope\":{\"sourceUuid\":\"" + UUID_A + "\",\"timestamp\":" + TS + ",\"dataMessage\":{\"message\":\"x\",\"attachments\":{}}}}");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "ok") + " trailing");
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "good"));

        List<InboundMessage> got = sink.await(1, Await.DEFAULT);
        assertEquals(List.of("good"), got.stream().map(InboundMessage::text).toList());
        assertEquals(9, transport.stats().malformed());
        assertEquals(10, transport.stats().received());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void hiddenNumberIsDeliveredKeyedOnUuid(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.hiddenNumber(UUID_A, TS, "번호는 숨겼어요"));

        InboundMessage got = sink.await(1, Await.DEFAULT).get(0);
        assertEquals(UUID_A, got.sender());
        assertEquals("번호는 숨겼어요", got.text());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void messageWithoutSourceUuidIsSkipped(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.withoutSource(NUMBER_A, TS, "who am I"));
        fake.push(Envelopes.text(UUID_B, NUMBER_A, TS + 1, "after"));

        assertEquals(List.of("after"), sink.await(1, Await.DEFAULT).stream().map(InboundMessage::text).toList());
        assertEquals(1, transport.stats().ignored(IgnoredKind.NO_SOURCE));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void groupMessagesAreNeverDeliveredButTheirAttachmentsAreDeleted(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.group(UUID_A, NUMBER_A, TS, "hello group", "grp-photo-1.jpg"));
        fake.push(Envelopes.group(UUID_A, NUMBER_A, TS + 1, "again"));
        fake.push(Envelopes.text(UUID_B, NUMBER_A, TS + 2, "one to one"));

        Await.until(() -> fake.deletedAttachments().contains("grp-photo-1.jpg"), "group attachment deleted");
        assertEquals(List.of("one to one"), sink.await(1, Await.DEFAULT).stream().map(InboundMessage::text).toList());
        assertEquals(2, transport.stats().ignored(IgnoredKind.GROUP));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void nonMessageEventsAreIgnored(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.receipt(UUID_A, TS));
        fake.push(Envelopes.typing(UUID_A, TS + 1));
        fake.push(Envelopes.sync(UUID_A, NUMBER_A, TS + 2, "sent from another device"));
        fake.push(Envelopes.call(UUID_A, TS + 3));
        fake.push(Envelopes.story(UUID_A, TS + 4));
        fake.push(Envelopes.reaction(UUID_A, NUMBER_A, TS + 5, TS));
        fake.push(Envelopes.remoteDelete(UUID_A, NUMBER_A, TS + 6, TS));
        fake.push(Envelopes.expirationUpdate(UUID_A, NUMBER_A, TS + 7, 3600));
        fake.push(Envelopes.sticker(UUID_A, NUMBER_A, TS + 8));
        fake.push(Envelopes.decryptionFailure(UUID_A, TS + 9));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 10, "real"));

        assertEquals(List.of("real"), sink.await(1, Await.DEFAULT).stream().map(InboundMessage::text).toList());
        SignalStats stats = transport.stats();
        for (IgnoredKind kind : List.of(IgnoredKind.RECEIPT, IgnoredKind.TYPING, IgnoredKind.SYNC, IgnoredKind.CALL,
                IgnoredKind.STORY, IgnoredKind.REACTION, IgnoredKind.REMOTE_DELETE, IgnoredKind.EXPIRATION_UPDATE,
                IgnoredKind.STICKER)) {
            assertEquals(1, stats.ignored(kind), kind.name());
        }
        assertEquals(1, stats.ignored(IgnoredKind.OTHER), "decryption failure envelope");
        assertEquals(1, stats.exceptions());
        assertEquals(11, stats.received());
        assertEquals(0, stats.malformed());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void attachmentsAreDeletedAndTheMessageIsFlagged(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.withAttachments(UUID_A, NUMBER_A, TS, null, "k7Qx1.jpg", "p9Zr2.png"));
        fake.push(Envelopes.withAttachments(UUID_A, NUMBER_A, TS + 1, "사진 보냈어요", "m3Lv4.jpg"));

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(new InboundMessage(UUID_A, "", TS, true), got.get(0));
        assertEquals(new InboundMessage(UUID_A, "사진 보냈어요", TS + 1, true), got.get(1));
        assertEquals(List.of("k7Qx1.jpg", "p9Zr2.png", "m3Lv4.jpg"), fake.deletedAttachments());
        assertEquals(3, transport.stats().attachmentsDeleted());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void editIsDeliveredAsANewMessage(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "helo"));
        fake.push(Envelopes.edit(UUID_A, NUMBER_A, TS + 5000, TS, "hello"));

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(new InboundMessage(UUID_A, "hello", TS + 5000, false), got.get(1));
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void duplicatesAreDropped(Mode mode) {
        RecordingSink sink = startAuto(mode);
        String message = Envelopes.text(UUID_A, NUMBER_A, TS, "once");
        fake.push(message);
        fake.push(message);
        sink.await(1, Await.DEFAULT);
        fake.push(message);
        fake.push(Envelopes.text(UUID_B, NUMBER_A, TS, "same time, other person"));

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(List.of("once", "same time, other person"), got.stream().map(InboundMessage::text).toList());
        assertEquals(2, transport.stats().duplicates());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void aFailingSinkGetsTheSameMessageAgainUntilItAcceptsInOrder(Mode mode) {
        RecordingSink sink = start(mode, ReceiveMode.AUTO, new RecordingSink(3, "journal full"));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "first"));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "second"));

        List<InboundMessage> got = sink.await(2, Await.DEFAULT);
        assertEquals(List.of("first", "second"), got.stream().map(InboundMessage::text).toList());
        Await.quietPeriod(Duration.ofMillis(100));
        assertEquals(2, sink.messages().size(), "each message exactly once");
        assertEquals(5, sink.offers());
        assertEquals(3, transport.stats().sinkFailures());
        assertEquals(2, transport.stats().delivered());
    }

    @Test
    void errorFramesAreCountedAndTheSocketKeepsWorking() {
        RecordingSink sink = startAuto(Mode.JSON_RPC);
        fake.push(Envelopes.errorFrame("Couldn't receive: something broke"));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "still here"));

        assertEquals("still here", sink.await(1, Await.DEFAULT).get(0).text());
        assertEquals(1, transport.stats().errorFrames());
        assertEquals(1, fake.webSocketOpens());
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void closeStopsReceiving(Mode mode) {
        RecordingSink sink = startAuto(mode);
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "before"));
        sink.await(1, Await.DEFAULT);

        transport.close();
        Await.until(() -> fake.openWebSockets() == 0, "websocket closed");
        // a poll sent just before close may reach the fake a moment later; count from when all have landed
        Await.quietPeriod(Duration.ofMillis(200));
        int requestsAtClose = fake.requests().size();
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "after"));
        Await.quietPeriod(Duration.ofMillis(300));

        assertEquals(requestsAtClose, fake.requests().size(), "no calls after close");
        assertEquals(1, sink.messages().size());
        assertFalse(Thread.getAllStackTraces().keySet().stream().anyMatch(t -> t.getName().equals("dari-signal-receive")));
        transport.close();
        assertThrows(IllegalStateException.class, () -> transport.start(new RecordingSink()));
    }

    @Test
    void aSinkThrowingAnErrorDoesNotKillTheReceiveLoop() {
        RecordingSink sink = start(Mode.JSON_RPC, ReceiveMode.AUTO, new RecordingSink(2, "bug").throwingErrors());
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "first"));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS + 1, "second"));

        assertEquals(List.of("first", "second"), sink.await(2, Await.DEFAULT).stream().map(InboundMessage::text).toList());
        assertEquals(2, transport.stats().sinkFailures());
    }

    @Test
    void aMessageTheSinkNeverTookIsCountedAsAbandonedOnClose() {
        RecordingSink sink = start(Mode.NORMAL, ReceiveMode.AUTO, new RecordingSink(Integer.MAX_VALUE, "down"));
        fake.push(Envelopes.text(UUID_A, NUMBER_A, TS, "stuck"));
        Await.until(() -> sink.offers() >= 3, "offered again and again");

        transport.close();
        assertEquals(1, transport.stats().abandoned());
        assertEquals(0, transport.stats().delivered());
    }

    @Test
    void forcedPollingAgainstAJsonRpcServerKeepsRetryingWithoutSwitching() {
        start(Mode.JSON_RPC, ReceiveMode.POLL, new RecordingSink());
        Await.until(() -> transport.stats().reconnects() >= 3, "retries the rejected poll");

        assertEquals(0, fake.webSocketOpens());
        assertEquals(ReceiveMode.POLL, transport.stats().mode());
    }
}
