package org.dari.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.UrgentAnswers;
import org.dari.safety.UrgentDetector;
import org.dari.safety.UrgentKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Holds the urgent detector to its targets on the urgent sets kept with the tests
 * (recall at least 97% in each language, false alarms at most 2% on calm
 * messages) and on every labelled question set (false alarms at most 2%).
 * The dev sets were written by another engineer; the fresh and third sets were
 * each scored once before the word lists were widened for them, and so were the
 * held-out, dev2 and probe sets: all of them are tuning data now, and an unseen
 * figure needs a new set written by someone who has not read the word lists.
 */
class UrgentEvaluationTest {
    private static KnowledgeService kb;
    private static UrgentEvaluation evaluation;

    @BeforeAll
    static void open() throws Exception {
        kb = KbCommand.open(Config.defaults(), TestBots.HOME);
        evaluation = new UrgentEvaluation(kb, KbCommand.openDetector(Config.defaults(), TestBots.HOME));
    }

    @AfterAll
    static void close() {
        kb.close();
    }

    private static Path resource(String name) throws Exception {
        return Path.of(UrgentEvaluationTest.class.getClassLoader().getResource(name).toURI());
    }

    @ParameterizedTest
    @ValueSource(strings = {"urgent/urgent-dev-ko.tsv", "urgent/urgent-dev-en.tsv", "urgent/urgent-fresh-ko.tsv",
            "urgent/urgent-fresh-en.tsv", "urgent/urgent-third-ko.tsv", "urgent/urgent-third-en.tsv",
            "urgent/urgent-holdout-ko.tsv", "urgent/urgent-holdout-en.tsv", "urgent/urgent-dev2-en.tsv",
            "urgent/urgent-probe-ko.tsv", "urgent/urgent-probe-en.tsv"})
    void urgentSetsMeetTheTargets(String name) throws Exception {
        Path file = resource(name);
        assertTrue(UrgentEvaluation.isUrgentFormat(file));
        UrgentEvaluation.Report report = evaluation.run(UrgentEvaluation.read(file));
        String table = report.render(true);
        UrgentEvaluation.Figures all = report.byLanguage().get("all");
        if (name.contains("-dev-")) {
            assertTrue(all.urgent() >= 80 && all.calm() >= 80, "at least 80 urgent and 80 calm messages\n" + table);
        }
        for (var e : report.byLanguage().entrySet()) {
            UrgentEvaluation.Figures f = e.getValue();
            assertTrue(f.recall() >= 0.97, e.getKey() + " recall below 97%\n" + table);
            assertTrue(f.falseAlarmRate() <= 0.02, e.getKey() + " false alarms above 2%\n" + table);
            assertTrue(f.kindRight() >= 0.9 * f.caught(), e.getKey() + " kind accuracy below 90%\n" + table);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"eval/fresh-questions.tsv", "eval/writer-questions.tsv"})
    void fewFalseAlarmsOnOrdinaryQuestions(String name) throws Exception {
        Path file = resource(name);
        assertFalse(UrgentEvaluation.isUrgentFormat(file));
        UrgentEvaluation.QuestionAlarms alarms = evaluation.falseAlarms(KbEvaluation.read(file));
        assertTrue(alarms.calm() > 100);
        assertTrue(alarms.rate() <= 0.02, alarms.render(true));
    }

    @Test
    void reportsMissesAndTheKnowledgeRoutingBeside(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("urgent-x-en.tsv");
        Files.writeString(file, "message\tlabel\nthey are selling me tonight\ttrafficked\nwhat is a refugee\tcalm\n"
                + "nice weather today\tpolice\n");
        UrgentEvaluation.Report report = evaluation.run(UrgentEvaluation.read(file));
        UrgentEvaluation.Figures en = report.byLanguage().get("en");
        assertEquals(2, en.urgent());
        assertEquals(1, en.caught());
        assertEquals(1, en.kindRight());
        assertEquals(0, en.falseAlarms());
        String text = report.render(true);
        assertTrue(text.contains("MISSED      expected police"), text);
        assertFalse(text.contains("what is a refugee"), text);
    }

    @Test
    void askJsonCarriesTheUrgentKind() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode urgent = KbCommand.toJson(mapper, "q", kb.decide("살려주세요", Lang.KO), Optional.of(UrgentKind.GENERAL));
        assertTrue(urgent.get("urgent").asBoolean());
        assertEquals("general", urgent.get("urgent_kind").asText());
        ObjectNode calm = KbCommand.toJson(mapper, "q", kb.decide("what is a refugee", Lang.EN), Optional.empty());
        assertFalse(calm.get("urgent").asBoolean());
        assertTrue(calm.get("urgent_kind").isNull());
    }

    @Test
    void everyDetectorKindButSuicideNeedsAnUrgentAnswer() {
        assertEquals(UrgentAnswers.REQUIRED_KINDS, Arrays.stream(UrgentKind.values())
                .filter(k -> k != UrgentKind.SUICIDE).map(UrgentKind::id).toList());
        assertEquals(java.util.Set.of(UrgentKind.SUICIDE.id()), UrgentAnswers.OPTIONAL_KINDS);
    }

    @Test
    void theBundledWordListsAreValid() throws Exception {
        UrgentDetector.load(TestBots.HOME.resolve("i18n"));
    }
}
