package org.dari.cli;

import org.dari.conversation.Command;
import org.dari.conversation.FrontDoor;
import org.dari.knowledge.Decision;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.knowledge.Thresholds;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/** Measures the knowledge base against labelled questions (the format of the dev set). */
final class KbEvaluation {
    static final String NONE = "NONE";
    static final String MENU = "MENU";
    /** What the erase and privacy commands give: the erasure itself, or the privacy notice. */
    private static final String PRIVACY_TOPIC = "privacy-and-deletion";

    record Question(Lang lang, Set<String> expected, String text) {
        boolean isNone() {
            return expected.contains(NONE);
        }

        boolean isMenu() {
            return expected.contains(MENU);
        }
    }

    record Outcome(Question question, Decision decision, long nanos) {
        String first() {
            return decision.matches().isEmpty() ? "-" : decision.matches().get(0).id();
        }

        boolean offered() {
            return decision.kind() == Decision.Kind.ANSWER || decision.kind() == Decision.Kind.SUGGEST;
        }

        boolean top1() {
            return offered() && !decision.matches().isEmpty() && question.expected().contains(first());
        }

        boolean top3() {
            return offered() && decision.matches().stream().limit(3).map(Retriever.Match::id).anyMatch(question.expected()::contains);
        }

        boolean confidentButWrong() {
            return decision.kind() == Decision.Kind.ANSWER && !question.expected().contains(first());
        }

        boolean right() {
            if (question.isMenu()) return decision.kind() == Decision.Kind.MENU;
            if (question.isNone()) return decision.kind() == Decision.Kind.DECLINE;
            return top1();
        }
    }

    private final KnowledgeService knowledge;
    private final FrontDoor frontDoor;

    /**
     * @param frontDoor the conversation's reading of commands, small talk and greetings, taken before
     *                  the knowledge base as in a conversation; null to measure the knowledge base alone
     */
    KbEvaluation(KnowledgeService knowledge, FrontDoor frontDoor) {
        this.knowledge = knowledge;
        this.frontDoor = frontDoor;
    }

    static List<Question> read(Path file) throws IOException, Main.UsageException {
        List<Question> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || (i == 0 && line.startsWith("lang\t"))) continue;
            String[] cols = line.split("\t", 3);
            if (cols.length < 3) throw new Main.UsageException(file + " line " + (i + 1) + ": expected 3 tab-separated columns");
            int lineNo = i + 1;
            Lang lang = Lang.fromCode(cols[0]).orElseThrow(() -> new Main.UsageException(file + " line " + lineNo + ": lang must be ko or en"));
            out.add(new Question(lang, Set.copyOf(Arrays.asList(cols[1].trim().split("\\s*,\\s*"))), cols[2].trim()));
        }
        return out;
    }

    Report run(List<Question> questions) {
        List<Outcome> outcomes = new ArrayList<>();
        for (Question q : questions) {
            long start = System.nanoTime();
            Decision d = decide(q);
            outcomes.add(new Outcome(q, d, System.nanoTime() - start));
        }
        return new Report(outcomes);
    }

    /**
     * The decision a first message gets in a conversation: a greeting or the menu command gets the
     * menu; asking to erase or for the privacy notice gets what privacy-and-deletion answers (the
     * erasure or the notice); another command or small talk gets no answer from the knowledge base
     * (for a question, a miss); anything else is the knowledge base's.
     */
    private Decision decide(Question q) {
        FrontDoor.Route route = frontDoor == null ? FrontDoor.Route.QUESTION : frontDoor.route(q.text().strip(), q.lang());
        return switch (route) {
            case MENU_COMMAND, GREETING -> new Decision(Decision.Kind.MENU, q.lang(), List.of(), Decision.Reason.GREETING);
            case OTHER_COMMAND -> frontDoor.command(q.text().strip(), false)
                    .filter(c -> c == Command.FORGET || c == Command.PRIVACY)
                    .map(c -> new Decision(Decision.Kind.ANSWER, q.lang(), List.of(new Retriever.Match(PRIVACY_TOPIC, 1)),
                            Decision.Reason.PRIORITY))
                    .orElseGet(() -> new Decision(Decision.Kind.DECLINE, q.lang(), List.of(), Decision.Reason.OUT_OF_SCOPE));
            case SMALL_TALK -> new Decision(Decision.Kind.DECLINE, q.lang(), List.of(), Decision.Reason.OUT_OF_SCOPE);
            case QUESTION -> knowledge.decide(q.text(), q.lang());
        };
    }

    /** One tab-separated line of ranking features per question, for studying the decisions. */
    String dump(List<Question> questions) {
        StringBuilder out = new StringBuilder();
        for (Outcome o : run(questions).outcomes()) {
            List<Retriever.Match> m = o.decision().matches();
            Question q = o.question();
            out.append(String.format(Locale.ROOT, "%s\t%s\t%s\t%s\t%.3f\t%.3f\t%s%n", q.lang().code(),
                    q.isNone() ? "none" : q.isMenu() ? "menu" : "topic",
                    m.isEmpty() ? "-" : q.expected().contains(m.get(0).id()) ? "hit"
                            : m.stream().limit(3).anyMatch(x -> q.expected().contains(x.id())) ? "top3" : "miss",
                    o.decision().kindCode(), m.isEmpty() ? 0 : m.get(0).score(),
                    m.size() < 2 ? 0 : m.get(1).score() / m.get(0).score(), q.text()));
        }
        return out.toString();
    }

    /** The blend weight and thresholds that did best, with the figures they gave. */
    record Tuned(double classifierWeight, Thresholds thresholds, String summary) {
    }

    /**
     * Tries every blend weight and every combination of thresholds on a grid and reports the best by
     * a score that puts safety first: confident-but-wrong answers cost most, then failing to
     * decline, then top-1 misses. Both languages share the blend weight and the runner-up ratio.
     */
    Tuned tune(List<Question> questions) {
        // Search once; re-blend and re-decide from the recorded rankings for every setting.
        List<Question> scored = new ArrayList<>();
        List<Retriever.Ranking> rankings = new ArrayList<>();
        List<Decision> fixed = new ArrayList<>();
        for (Question q : questions) {
            if (q.isMenu()) continue;
            Decision d = decide(q);
            boolean thresholded = d.reason() == Decision.Reason.CONFIDENT || d.reason() == Decision.Reason.UNSURE
                    || d.reason() == Decision.Reason.NO_MATCH;
            scored.add(q);
            // menu, priority and out-of-scope decisions do not depend on thresholds: they stay as they are
            fixed.add(thresholded ? null : d);
            rankings.add(knowledge.snapshot().retriever().rank(q.text(), q.lang()));
        }
        double bestTotal = -1e9;
        Tuned best = null;
        StringBuilder perWeight = new StringBuilder("best per classifier weight:\n");
        for (double w : new double[] {0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0}) {
            List<List<Retriever.Match>> blended = new ArrayList<>();
            for (int i = 0; i < scored.size(); i++) blended.add(Retriever.blend(rankings.get(i), scored.get(i).lang(), w));
            String bestForWeight = "";
            double bestTotalForWeight = -1e9;
            for (int r = 10; r <= 20; r++) {
                double ratio = r / 20.0;
                double total = 0;
                double[] chosen = new double[4];
                String[] lineOf = new String[2];
                for (Lang lang : Lang.values()) {
                    double bestScore = -1e9;
                    for (double decline = 0; decline <= 100; decline += 2) {
                        for (double answer = decline; answer <= 200; answer += 5) {
                            Thresholds t = new Thresholds(decline, answer, decline, answer, ratio);
                            int top1 = 0, declined = 0, wrong = 0, topics = 0, nones = 0, answered = 0;
                            for (int i = 0; i < scored.size(); i++) {
                                Question q = scored.get(i);
                                if (q.lang() != lang) continue;
                                List<Retriever.Match> ranking = blended.get(i);
                                Decision.Kind kind = fixed.get(i) != null ? fixed.get(i).kind() : t.decide(lang, ranking);
                                String first = fixed.get(i) != null && !fixed.get(i).matches().isEmpty() ? fixed.get(i).matches().get(0).id()
                                        : ranking.stream().filter(m -> !m.offTopic()).map(Retriever.Match::id).findFirst().orElse("-");
                                boolean hit = q.expected().contains(first);
                                if (q.isNone()) {
                                    nones++;
                                    if (kind == Decision.Kind.DECLINE) declined++;
                                    if (kind == Decision.Kind.ANSWER) wrong++;
                                } else {
                                    topics++;
                                    if (kind != Decision.Kind.DECLINE && hit) top1++;
                                    if (kind == Decision.Kind.ANSWER && !hit) wrong++;
                                    if (kind == Decision.Kind.ANSWER) answered++;
                                }
                            }
                            // the targets are constraints: decline at least 90% of off-topic questions and keep
                            // confident-but-wrong at most 2%; within them, most top-1 hits, then most direct answers
                            boolean withinTargets = declined >= 0.9 * nones && wrong <= 0.02 * (topics + nones);
                            double score = (withinTargets ? 0 : -10) + 1.0 * top1 / Math.max(1, topics)
                                    + 0.2 * declined / Math.max(1, nones) - 1.0 * wrong / Math.max(1, topics + nones)
                                    + 0.01 * answered / Math.max(1, topics);
                            if (score > bestScore + 1e-9) {
                                bestScore = score;
                                int o = lang == Lang.KO ? 0 : 2;
                                chosen[o] = decline;
                                chosen[o + 1] = answer;
                                lineOf[o / 2] = (String.format(Locale.ROOT, "%s: decline %.0f, answer %.0f (top-1 %.1f%%, NONE declined %.1f%%,"
                                                + " confident-but-wrong %d, answered %d of %d)%n", lang.code(), decline, answer,
                                        100.0 * top1 / Math.max(1, topics), 100.0 * declined / Math.max(1, nones), wrong, answered, topics));
                            }
                        }
                    }
                    total += bestScore;
                }
                if (total > bestTotalForWeight + 1e-9) {
                    bestTotalForWeight = total;
                    bestForWeight = lineOf[0] + lineOf[1];
                }
                if (total > bestTotal + 1e-9) {
                    bestTotal = total;
                    Thresholds t = new Thresholds(chosen[0], chosen[1], chosen[2], chosen[3], ratio);
                    best = new Tuned(w, t, String.format(Locale.ROOT, "classifier weight %.1f, runner-up ratio %.2f%n", w, ratio)
                            + lineOf[0] + lineOf[1]);
                }
            }
            perWeight.append(String.format(Locale.ROOT, "  weight %.1f:%n", w)).append(bestForWeight.replaceAll("(?m)^", "    "));
        }
        return new Tuned(best.classifierWeight(), best.thresholds(), perWeight + best.summary());
    }

    record Report(List<Outcome> outcomes) {
        Map<String, Figures> byLanguage() {
            Map<String, Figures> out = new LinkedHashMap<>();
            for (Lang lang : Lang.values()) {
                out.put(lang.code(), Figures.of(outcomes.stream().filter(o -> o.question().lang() == lang).toList()));
            }
            out.put("all", Figures.of(outcomes));
            return out;
        }

        String render(boolean withMisses) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%-5s %7s %7s %7s %9s %7s %9s%n", "", "topics", "top-1", "top-3", "NONE-decl", "MENU", "conf-wrong"));
            byLanguage().forEach((name, f) -> s.append(String.format(Locale.ROOT, "%-5s %7d %6.1f%% %6.1f%% %8.1f%% %6.1f%% %5d (%.1f%%)%n",
                    name, f.topics, pct(f.top1, f.topics), pct(f.top3, f.topics), pct(f.noneDeclined, f.nones),
                    pct(f.menuShown, f.menus), f.confidentWrong, pct(f.confidentWrong, f.topics + f.nones))));
            long[] nanos = outcomes.stream().mapToLong(Outcome::nanos).sorted().toArray();
            if (nanos.length > 0) {
                double total = Arrays.stream(nanos).sum() / 1e9;
                s.append(String.format(Locale.ROOT, "%d questions, %.0f per second, latency p50 %.1f ms, p95 %.1f ms, max %.1f ms%n",
                        nanos.length, nanos.length / total, nanos[nanos.length / 2] / 1e6,
                        nanos[(int) Math.min(nanos.length - 1, Math.round(nanos.length * 0.95))] / 1e6, nanos[nanos.length - 1] / 1e6));
            }
            s.append(confusion());
            if (withMisses) {
                s.append("misses:\n");
                for (Outcome o : outcomes) {
                    if (o.right()) continue;
                    s.append(String.format(Locale.ROOT, "  %s %-8s expected %-30s got %-28s %s%n", o.question().lang().code(),
                            o.decision().kindCode(), String.join(",", o.question().expected()), o.first() + top3(o), o.question().text()));
                }
            }
            return s.toString();
        }

        /** For each expected topic with misses: what it was taken for, and how often. */
        String confusion() {
            Map<String, Map<String, Integer>> takenFor = new java.util.TreeMap<>();
            for (Outcome o : outcomes) {
                if (o.right()) continue;
                String got = switch (o.decision().kind()) {
                    case DECLINE -> "(declined)";
                    case MENU -> "(menu)";
                    default -> o.first();
                };
                String expected = String.join(",", new java.util.TreeSet<>(o.question().expected()));
                takenFor.computeIfAbsent(expected, k -> new java.util.TreeMap<>()).merge(got, 1, Integer::sum);
            }
            if (takenFor.isEmpty()) return "";
            StringBuilder s = new StringBuilder("confusion (expected <- taken for, count):\n");
            takenFor.forEach((expected, got) -> {
                int total = got.values().stream().mapToInt(Integer::intValue).sum();
                s.append(String.format(Locale.ROOT, "  %-28s %2d <- ", expected, total));
                s.append(got.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                        .map(e -> e.getKey() + " " + e.getValue()).reduce((a, b) -> a + ", " + b).orElse(""));
                s.append('\n');
            });
            return s.toString();
        }

        private static String top3(Outcome o) {
            return o.decision().matches().stream().skip(1).map(m -> String.format(Locale.ROOT, "%s", m.id()))
                    .reduce("", (a, b) -> a + "|" + b);
        }

        private static double pct(int n, int of) {
            return of == 0 ? 0 : 100.0 * n / of;
        }
    }

    record Figures(int topics, int top1, int top3, int nones, int noneDeclined, int menus, int menuShown, int confidentWrong) {
        static Figures of(List<Outcome> list) {
            int topics = 0, top1 = 0, top3 = 0, nones = 0, declined = 0, menus = 0, menuShown = 0, wrong = 0;
            for (Outcome o : list) {
                if (o.question().isMenu()) {
                    menus++;
                    if (o.decision().kind() == Decision.Kind.MENU) menuShown++;
                } else if (o.question().isNone()) {
                    nones++;
                    if (o.decision().kind() == Decision.Kind.DECLINE) declined++;
                    if (o.decision().kind() == Decision.Kind.ANSWER) wrong++;
                } else {
                    topics++;
                    if (o.top1()) top1++;
                    if (o.top3()) top3++;
                    if (o.confidentButWrong()) wrong++;
                }
            }
            return new Figures(topics, top1, top3, nones, declined, menus, menuShown, wrong);
        }
    }
}
