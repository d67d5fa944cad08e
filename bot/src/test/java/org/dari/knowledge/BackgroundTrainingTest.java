package org.dari.knowledge;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The bot answers from its first moment with Lucene alone, then with the classifier blended in. */
class BackgroundTrainingTest {

    @Test
    void answersAtOnceAndBlendsTheClassifierInOnceTrained() throws InterruptedException {
        try (KnowledgeService service = new KnowledgeService(
                new KnowledgeService.Paths(KnowledgeBaseTest.HOME.resolve("seeds"), KnowledgeBaseTest.HOME.resolve("i18n")),
                Clock.systemUTC(), Thresholds.defaults(), Retriever.Weights.defaults(), notice -> { }, true)) {
            Decision early = service.decide("북송되면 어떻게 돼요", Lang.KO);
            assertFalse(early.matches().isEmpty(), "answers while the classifier trains");

            assertTrue(service.awaitClassifier(120, TimeUnit.SECONDS));
            assertTrue(service.snapshot().retriever().hasClassifier(), "the classifier is blended in once trained");
            try (KnowledgeService trainedFirst = KnowledgeBaseTest.open(KnowledgeBaseTest.HOME.resolve("seeds"),
                    KnowledgeBaseTest.HOME.resolve("i18n"))) {
                for (String q : new String[] {"북송되면 어떻게 돼요", "중국 남편이랑 결혼이 인정돼요", "how do i delete my data"}) {
                    Lang lang = q.chars().anyMatch(c -> c >= 0xAC00) ? Lang.KO : Lang.EN;
                    Decision expected = trainedFirst.decide(q, lang);
                    Decision got = service.decide(q, lang);
                    assertEquals(expected.kind(), got.kind(), q);
                    assertEquals(expected.matches().stream().map(Retriever.Match::id).toList(),
                            got.matches().stream().map(Retriever.Match::id).toList(), q);
                }
            }
        }
    }
}
