package org.dari.cli;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the bundled knowledge base to its quality targets on the sets of labelled questions kept
 * with the tests (the development set itself lives outside the repository): fresh-questions.tsv was
 * written without seeing the entries; writer-questions.tsv by the person who extended the keywords;
 * the blind-* sets by writers who saw only a one-line description of each topic.
 */
class AnswerQualityTest {

    /**
     * Every set kept here, at the targets: top-1 90% in each language, top-3 97%,
     * out-of-scope declined 90%, greetings recognised 95% (as a first message, through the
     * conversation's front door), confident-but-wrong at most 2%. The blind sets were each scored
     * once before they were tuned on (ops/blind-eval/record.md); they are development sets now.
     */
    @ParameterizedTest
    @ValueSource(strings = {"eval/fresh-questions.tsv", "eval/writer-questions.tsv", "eval/blind-a-questions.tsv",
            "eval/blind-final-questions.tsv", "eval/blind-third-questions.tsv", "eval/blind-fourth-questions.tsv",
            "eval/blind-fifth-questions.tsv", "eval/blind-sixth-questions.tsv"})
    void meetsTheTargets(String resource) throws Exception {
        holds(resource, 0.90, 0.95, 0.02);
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
