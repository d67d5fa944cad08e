package org.dari.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the bundled knowledge base to its quality targets on two sets of labelled
 * questions kept with the tests (the development set itself lives outside the
 * repository): fresh-questions.tsv was written without seeing the entries;
 * writer-questions.tsv by the person who extended the keywords.
 */
class AnswerQualityTest {

    @ParameterizedTest
    @ValueSource(strings = {"eval/fresh-questions.tsv", "eval/writer-questions.tsv"})
    void meetsTheTargets(String resource) throws Exception {
        holds(resource, 0.90, 0.95, 0.02);
    }

    /**
     * The blind sets, each scored once before it was tuned on (ops/blind-eval/record.md). They hold
     * the answer targets; out-of-scope and greetings are held at floors below the 90% / 95% targets,
     * which the knowledge base alone does not yet reach on them (the conversation's own greeting
     * layers, which kb eval does not see, recognise more).
     */
    @ParameterizedTest
    @ValueSource(strings = {"eval/blind-a-questions.tsv", "eval/blind-final-questions.tsv"})
    void blindSetsHoldTheirFigures(String resource) throws Exception {
        holds(resource, 0.85, 0.75, 0.02);
    }

    /**
     * The third blind set (320 questions, scored once at 1e16887). Top-1, top-3 and out-of-scope
     * meet the targets; greetings (88% in kb eval; 97% as a first message through the conversation)
     * and confident-but-wrong (3.1%) do not yet, so they are held where they stand, not at the targets.
     */
    @Test
    void theThirdBlindSetHoldsItsFigures() throws Exception {
        holds("eval/blind-third-questions.tsv", 0.90, 0.85, 0.035);
    }

    /** Top-1 and top-3 at the targets; out-of-scope, greetings and confident-but-wrong at the given shares. */
    private void holds(String resource, double noneDeclined, double menuShown, double confidentWrongCeiling) throws Exception {
        Path file = Path.of(getClass().getClassLoader().getResource(resource).toURI());
        try (var kb = KbCommand.open(Config.defaults(), TestBots.HOME)) {
            KbEvaluation.Report report = new KbEvaluation(kb, KbCommand.frontDoor(Config.defaults(), TestBots.HOME, kb)).run(KbEvaluation.read(file));
            Map<String, KbEvaluation.Figures> figures = report.byLanguage();
            String table = report.render(true);
            for (String lang : new String[] {"ko", "en"}) {
                KbEvaluation.Figures f = figures.get(lang);
                assertTrue(f.top1() >= 0.90 * f.topics(), lang + " top-1 below 90%\n" + table);
            }
            KbEvaluation.Figures all = figures.get("all");
            assertTrue(all.top3() >= 0.97 * all.topics(), "top-3 below 97%\n" + table);
            assertTrue(all.noneDeclined() >= noneDeclined * all.nones(),
                    "NONE declined below " + Math.round(noneDeclined * 100) + "%\n" + table);
            if (all.menus() > 0) {
                assertTrue(all.menuShown() >= menuShown * all.menus(),
                        "MENU below " + Math.round(menuShown * 100) + "%\n" + table);
            }
            assertTrue(all.confidentWrong() <= confidentWrongCeiling * (all.topics() + all.nones()),
                    "confident-but-wrong above " + confidentWrongCeiling * 100 + "%\n" + table);
        }
    }
}
