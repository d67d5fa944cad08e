package org.dari.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.dari.transport.FakeSignalServer;
import org.dari.transport.FakeSignalServer.Envelopes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code dari run} in a child JVM on a real SQLite file, under a steady stream of people writing,
 * SIGKILLed at random moments {@value #KILLS} times and restarted each time. Afterwards nobody has
 * two answers, and every message the bot accepted has one, except replies whose send was under way
 * at a kill: a reply to a person is sent at most once, so the bot that finds such a send unfinished
 * takes it as sent and logs so. Unanswered messages may number no more than those log lines (the
 * last bot's included: it settles the 20th kill's sends).
 *
 * <p>"Accepted": the REST API hands a message out once and forgets it, so a message is the bot's
 * once a poll returned it. The bot journals a poll's messages before it polls again; a message
 * counts as certainly accepted when the same bot process sent the poll that took it and polled again
 * before it was killed. A message from the last poll before a kill, or handed to a long poll whose
 * bot was already killed, may have been lost in the wire or the process with no trace: that gap is
 * the REST API's (it has no acknowledgement), and the test reports those messages but does not
 * count them. Each person writes once, so answers are counted per person.
 */
class HardKillTest {
    private static final int KILLS = 20;
    /** A send whose outcome was unclear and that the bot then took as sent (never sent twice); may be lost. */
    private static final Pattern TAKEN_AS_SENT = Pattern.compile("unclear_counted_sent|unclear_after_restart_counted_sent");

    @Test
    void noAcceptedMessageIsLostOrAnsweredTwiceAcrossHardKills(@TempDir Path dir) throws Exception {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        try (FakeSignalServer server = FakeSignalServer.normal()) {
            Path config = TestBots.signalConfig(dir, server, dir.resolve("data"));
            // the children's logs outlive the test, so that a failure can be read afterwards
            Path logs = Files.createDirectories(Path.of("target", "hard-kill", Long.toString(seed)));
            Map<String, String> personOfEvent = new HashMap<>();
            Load load = new Load(server, personOfEvent);
            load.start();
            List<long[]> lives = new ArrayList<>();
            long tolerated = 0;
            try {
                for (int k = 0; k < KILLS; k++) {
                    ChildBot bot = ChildBot.start(config, logs.resolve("child-" + k + ".log"));
                    long born = System.nanoTime();
                    if (k % 2 == 1) {
                        // during start-up: opening the store, recovery, the first poll
                        Thread.sleep(200 + random.nextInt(1500));
                    } else {
                        // while serving: answering, sending, polling
                        long waitUntil = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                        while (System.nanoTime() < waitUntil && server.pollArrivals().stream().noneMatch(p -> p > born)) {
                            Thread.sleep(50);
                        }
                        Thread.sleep(random.nextInt(3000));
                    }
                    long killedAt = System.nanoTime();
                    bot.kill();
                    lives.add(new long[]{born, killedAt});
                    tolerated += bot.logLines(TAKEN_AS_SENT);
                }
            } finally {
                load.finish();
            }
            ChildBot last = ChildBot.start(config, logs.resolve("child-last.log"));
            long born = System.nanoTime();
            try {
                // until everything is handed out and taken, and answers have stopped coming for a while
                int answered = -1;
                long quietSince = System.nanoTime();
                // quiet counts only from when this bot had taken everything: a quiet spell while it
                // was still starting says nothing about the answers it owes
                long takenSince = -1;
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (System.nanoTime() < deadline) {
                    int now = server.deliveredSends().size();
                    if (now != answered) {
                        answered = now;
                        quietSince = System.nanoTime();
                    }
                    List<FakeSignalServer.Handout> handouts = server.handouts();
                    List<Long> polls = server.pollArrivals();
                    boolean taken = server.pending() == 0 && !handouts.isEmpty() && !polls.isEmpty()
                            && polls.get(polls.size() - 1) > Math.max(born, handouts.get(handouts.size() - 1).atNanos());
                    if (!taken) takenSince = -1;
                    else if (takenSince < 0) takenSince = System.nanoTime();
                    if (taken && System.nanoTime() - Math.max(quietSince, takenSince) > Duration.ofSeconds(5).toNanos()) break;
                    Thread.sleep(250);
                }
            } finally {
                last.close();
                // the last bot settles what the 20th kill left unclear: its taken-as-sent lines count too
                tolerated += last.logLines(TAKEN_AS_SENT);
                System.out.println("hard-kill: last bot's log ends with:\n" + String.join("\n", last.logTail(15)));
            }
            lives.add(new long[]{born, Long.MAX_VALUE});

            Map<String, Integer> lifeOfPerson = new HashMap<>();
            Set<String> accepted = new HashSet<>();
            Set<String> inFlight = new HashSet<>();
            List<Long> polls = server.pollArrivals();
            for (FakeSignalServer.Handout h : server.handouts()) {
                // the life of the poll that took them: a long poll sent by a bot since killed may still be
                // answered, and what it hands out is lost in the wire, however many polls come after
                long[] life = lives.stream().filter(l -> l[0] <= h.requestedNanos() && h.requestedNanos() < l[1])
                        .findFirst().orElse(null);
                boolean pollAfter = life != null && h.atNanos() < life[1]
                        && polls.stream().anyMatch(p -> p > h.atNanos() && p < life[1]);
                for (String event : h.events()) {
                    (pollAfter ? accepted : inFlight).add(personOfEvent.get(event));
                    lifeOfPerson.put(personOfEvent.get(event), lives.indexOf(life));
                }
            }
            Map<String, Integer> answers = new HashMap<>();
            for (JsonNode send : server.deliveredSends()) answers.merge(send.path("recipients").path(0).asText(), 1, Integer::sum);

            List<String> twice = answers.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
            List<String> unanswered = accepted.stream().filter(p -> !answers.containsKey(p)).toList();
            long lostInFlight = inFlight.stream().filter(p -> !answers.containsKey(p)).count();
            double startSeconds = lives.stream().limit(KILLS).mapToLong(l -> polls.stream().filter(p -> p > l[0] && p < l[1])
                    .findFirst().orElse(l[1]) - l[0]).average().orElse(0) / 1e9;
            System.out.printf("hard-kill: start_to_first_poll_s=%.2f ", startSeconds);
            System.out.printf("hard-kill: seed=%d kills=%d people=%d accepted=%d in_flight=%d lost_in_flight=%d"
                            + " answered=%d taken_as_sent=%d%n", seed, KILLS, load.people(), accepted.size(), inFlight.size(),
                    lostInFlight, answers.size(), tolerated);
            if (!unanswered.isEmpty()) {
                System.out.println("hard-kill: unanswered accepted messages were handed out in lives "
                        + unanswered.stream().map(lifeOfPerson::get).sorted().toList() + "; logs in " + logs.toAbsolutePath());
            }
            assertEquals(load.people(), accepted.size() + inFlight.size(), "every message was handed out");
            assertTrue(accepted.size() >= 20, "enough messages were certainly accepted to tell");
            assertEquals(List.of(), twice.stream().map(p -> "answered " + answers.get(p) + " times").toList(),
                    "nobody is answered twice");
            assertTrue(unanswered.size() <= tolerated, unanswered.size() + " accepted messages were never answered"
                    + " (sends taken as sent after an unclear outcome: " + tolerated + ")");
            assertTrue(answers.keySet().stream().allMatch(personOfEvent::containsValue), "answers go only to people who wrote");
        }
    }

    /** A new person writes every few milliseconds, in either language, while the bot lives and dies. */
    private static final class Load extends Thread {
        private static final List<String> WORDS = List.of("메뉴", "menu", "목록", "help");
        private final FakeSignalServer server;
        private final Map<String, String> personOfEvent;
        private volatile boolean running = true;
        private int people;

        Load(FakeSignalServer server, Map<String, String> personOfEvent) {
            super("hard-kill-load");
            this.server = server;
            this.personOfEvent = personOfEvent;
        }

        @Override
        public void run() {
            long t = 1_755_379_200_000L;
            while (running) {
                String person = UUID.randomUUID().toString();
                String event = Envelopes.text(person, null, t++, WORDS.get(people % WORDS.size()));
                synchronized (personOfEvent) {
                    personOfEvent.put(event, person);
                    people++;
                }
                server.push(event);
                try {
                    // bursts, so that the bot is often busy sending when it is killed
                    if (people % 3 == 0) Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        void finish() throws InterruptedException {
            running = false;
            join();
        }

        int people() {
            synchronized (personOfEvent) {
                return people;
            }
        }
    }
}
