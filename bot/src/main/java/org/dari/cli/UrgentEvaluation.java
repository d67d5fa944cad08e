package org.dari.cli;

import org.dari.knowledge.Decision;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.safety.UrgentDetector;
import org.dari.safety.UrgentKind;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Measures the urgent detector: recall and kind accuracy on urgent messages,
 * false alarms on calm ones (TSV: message, label = a kind id or "calm"), and
 * false alarms on an ordinary question set. Beside the detector it reports the
 * knowledge base's own routing (an answer led by urgent-danger or
 * emotional-support), which is how the bot caught danger before the detector.
 */
final class UrgentEvaluation {
    static final String CALM = "calm";
    private static final Set<String> URGENT_ENTRIES = Set.of("urgent-danger", "emotional-support");

    record Case(Lang lang, String label, String text) {
        boolean calm() {
            return label.equals(CALM);
        }
    }

    record Outcome(Case item, Optional<UrgentKind> detected, boolean routed) {
        boolean caught() {
            return detected.isPresent();
        }

        boolean kindRight() {
            return detected.map(k -> k.id().equals(item.label())).orElse(false);
        }
    }

    /** Figures for one language (or all). */
    record Figures(int urgent, int caught, int kindRight, int calm, int falseAlarms, int routedUrgent, int routedCalm) {
        static Figures of(List<Outcome> list) {
            int urgent = 0, caught = 0, kindRight = 0, calm = 0, alarms = 0, routedUrgent = 0, routedCalm = 0;
            for (Outcome o : list) {
                if (o.item().calm()) {
                    calm++;
                    if (o.caught()) alarms++;
                    if (o.routed()) routedCalm++;
                } else {
                    urgent++;
                    if (o.caught()) caught++;
                    if (o.kindRight()) kindRight++;
                    if (o.routed()) routedUrgent++;
                }
            }
            return new Figures(urgent, caught, kindRight, calm, alarms, routedUrgent, routedCalm);
        }

        double recall() {
            return urgent == 0 ? 1 : (double) caught / urgent;
        }

        double falseAlarmRate() {
            return calm == 0 ? 0 : (double) falseAlarms / calm;
        }
    }

    record Report(List<Outcome> outcomes) {
        Map<String, Figures> byLanguage() {
            Map<String, Figures> out = new LinkedHashMap<>();
            for (Lang lang : Lang.values()) {
                List<Outcome> of = outcomes.stream().filter(o -> o.item().lang() == lang).toList();
                if (!of.isEmpty()) out.put(lang.code(), Figures.of(of));
            }
            out.put("all", Figures.of(outcomes));
            return out;
        }

        String render(boolean withMisses) {
            StringBuilder s = new StringBuilder();
            s.append(String.format(Locale.ROOT, "%-5s %7s %8s %9s %6s %12s   %s%n", "", "urgent", "recall", "kind-acc", "calm",
                    "false-alarm", "kb routing before the detector: recall / false alarms"));
            byLanguage().forEach((name, f) -> s.append(String.format(Locale.ROOT,
                    "%-5s %7d %7.1f%% %8.1f%% %6d %5d (%.1f%%)   %.1f%% / %d (%.1f%%)%n", name, f.urgent(), 100 * f.recall(),
                    pct(f.kindRight(), f.caught()), f.calm(), f.falseAlarms(), 100 * f.falseAlarmRate(),
                    pct(f.routedUrgent(), f.urgent()), f.routedCalm(), pct(f.routedCalm(), f.calm()))));
            s.append("(kind-acc: the right kind among the urgent messages caught)\n");
            if (withMisses) {
                s.append("misses, wrong kinds and false alarms:\n");
                for (Outcome o : outcomes) {
                    String got = o.detected().map(UrgentKind::id).orElse("-");
                    if (o.item().calm() ? !o.caught() : o.kindRight()) continue;
                    String what = o.item().calm() ? "FALSE ALARM" : o.caught() ? "wrong kind" : "MISSED";
                    s.append(String.format(Locale.ROOT, "  %s %-11s expected %-11s got %-11s %s%n", o.item().lang().code(), what,
                            o.item().label(), got, o.item().text()));
                }
            }
            return s.toString();
        }
    }

    private final KnowledgeService knowledge;
    private final UrgentDetector detector;

    UrgentEvaluation(KnowledgeService knowledge, UrgentDetector detector) {
        this.knowledge = knowledge;
        this.detector = detector;
    }

    /** True when the file holds urgent cases (message TAB label) rather than questions (lang TAB expected TAB question). */
    static boolean isUrgentFormat(Path file) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (line.isBlank() || line.startsWith("#") || line.startsWith("message\t") || line.startsWith("lang\t")) continue;
            String[] cols = line.split("\t");
            if (cols.length != 2) return false;
            String label = cols[1].strip();
            return label.equals(CALM) || UrgentKind.byId(label).isPresent();
        }
        return false;
    }

    static List<Case> read(Path file) throws IOException, Main.UsageException {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        Optional<Lang> fileLang = name.contains("-ko") ? Optional.of(Lang.KO) : name.contains("-en") ? Optional.of(Lang.EN) : Optional.empty();
        List<Case> out = new ArrayList<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.isBlank() || line.startsWith("#") || (i == 0 && line.startsWith("message\t"))) continue;
            String[] cols = line.split("\t");
            if (cols.length != 2) throw new Main.UsageException(file + " line " + (i + 1) + ": expected message<TAB>label");
            String label = cols[1].strip().toLowerCase(Locale.ROOT);
            if (!label.equals(CALM) && UrgentKind.byId(label).isEmpty()) {
                throw new Main.UsageException(file + " line " + (i + 1) + ": label must be calm or a kind id");
            }
            String text = cols[0].strip();
            Lang lang = fileLang.orElseGet(() -> Lang.detect(text).orElse(Lang.KO));
            out.add(new Case(lang, label, text));
        }
        return out;
    }

    Report run(List<Case> cases) {
        List<Outcome> out = new ArrayList<>();
        for (Case c : cases) {
            Decision d = knowledge.decide(c.text(), c.lang());
            boolean routed = d.kind() == Decision.Kind.ANSWER && !d.matches().isEmpty()
                    && URGENT_ENTRIES.contains(d.matches().get(0).id());
            out.add(new Outcome(c, detector.detect(c.text()), routed));
        }
        return new Report(out);
    }

    /** False alarms on ordinary questions: every question not labelled urgent-danger is calm. */
    record QuestionAlarms(int calm, List<KbEvaluation.Question> alarms) {
        double rate() {
            return calm == 0 ? 0 : (double) alarms.size() / calm;
        }

        String render(boolean withMisses) {
            StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                    "urgent detector on ordinary questions: %d false alarms of %d (%.1f%%)%n", alarms.size(), calm, 100 * rate()));
            if (withMisses) alarms.forEach(q -> s.append("  ").append(q.lang().code()).append(" FALSE ALARM ").append(q.text()).append('\n'));
            return s.toString();
        }
    }

    QuestionAlarms falseAlarms(List<KbEvaluation.Question> questions) {
        int calm = 0;
        List<KbEvaluation.Question> alarms = new ArrayList<>();
        for (KbEvaluation.Question q : questions) {
            if (q.expected().contains("urgent-danger")) continue;
            calm++;
            Optional<UrgentKind> kind = detector.detect(q.text());
            // a question meant for the emotional-support entry that is read as suicide goes to that same entry
            boolean sameAnswer = kind.orElse(null) == UrgentKind.SUICIDE && q.expected().contains("emotional-support");
            if (kind.isPresent() && !sameAnswer) alarms.add(q);
        }
        return new QuestionAlarms(calm, alarms);
    }

    private static double pct(int n, int of) {
        return of == 0 ? 0 : 100.0 * n / of;
    }
}
