package org.dari.cli;

import org.dari.knowledge.Decision;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;

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

    KbEvaluation(KnowledgeService knowledge) {
        this.knowledge = knowledge;
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
            Decision d = knowledge.decide(q.text(), q.lang());
            outcomes.add(new Outcome(q, d, System.nanoTime() - start));
        }
        return new Report(outcomes);
    }

    /**
     * Tries every combination of thresholds on a grid and reports the best by a
     * score that puts safety first: confident-but-wrong answers cost most, then
     * failing to decline, then top-1 misses.
     */
    String tune(List<Question> questions) {
        List<Outcome> ranked = new ArrayList<>();
        for (Question q : questions) ranked.add(new Outcome(q, knowledge.decide(q.text(), q.lang()), 0));
        // Re-decide from the recorded matches for each threshold set, without searching again.
        double bestScore = -1e9;
        String best = "";
        for (double decline = 0.10; decline <= 0.60; decline += 0.025) {
            for (double answer = decline; answer <= 0.95; answer += 0.025) {
                for (double ratio = 0.5; ratio <= 1.0; ratio += 0.05) {
                    int top1 = 0, declined = 0, wrong = 0, topics = 0, nones = 0, answered = 0;
                    for (Outcome o : ranked) {
                        Decision d = o.decision();
                        if (o.question().isMenu() || d.kind() == Decision.Kind.MENU) continue;
                        List<Retriever.Match> m = d.matches();
                        Decision.Kind kind;
                        if (d.reason() == Decision.Reason.OUT_OF_SCOPE || m.isEmpty() || m.get(0).coverage() < decline) {
                            kind = Decision.Kind.DECLINE;
                        } else {
                            double r = m.size() > 1 ? m.get(1).score() / m.get(0).score() : 0;
                            kind = m.get(0).coverage() >= answer && r <= ratio ? Decision.Kind.ANSWER : Decision.Kind.SUGGEST;
                        }
                        boolean hit = !m.isEmpty() && o.question().expected().contains(m.get(0).id());
                        if (o.question().isNone()) {
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
                    double score = 1.0 * top1 / Math.max(1, topics) + 1.0 * declined / Math.max(1, nones)
                            - 4.0 * wrong / Math.max(1, topics + nones) + 0.05 * answered / Math.max(1, topics);
                    if (score > bestScore) {
                        bestScore = score;
                        best = String.format(Locale.ROOT,
                                "decline_coverage: %.3f%nanswer_coverage: %.3f%nmax_runner_up_ratio: %.2f%n"
                                        + "(top-1 %.1f%%, NONE declined %.1f%%, confident-but-wrong %d, answered %d of %d)%n",
                                decline, answer, ratio, 100.0 * top1 / Math.max(1, topics), 100.0 * declined / Math.max(1, nones),
                                wrong, answered, topics);
                    }
                }
            }
        }
        return best;
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
