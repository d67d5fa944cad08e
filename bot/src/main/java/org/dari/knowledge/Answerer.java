package org.dari.knowledge;

import java.util.List;

/** Turns a question into one decision: answer, suggest, decline or menu. */
public final class Answerer {
    public static final int MAX_SUGGESTIONS = 3;

    private final Retriever retriever;
    private final Thresholds thresholds;
    private final PhraseList menuPhrases;
    private final PhraseList outOfScope;

    public Answerer(Retriever retriever, Thresholds thresholds, PhraseList menuPhrases, PhraseList outOfScope) {
        this.retriever = retriever;
        this.thresholds = thresholds;
        this.menuPhrases = menuPhrases;
        this.outOfScope = outOfScope;
    }

    public Decision decide(String question, Lang lang) {
        String q = question.strip();
        if (q.isEmpty() || menuPhrases.matches(q)) {
            return new Decision(Decision.Kind.MENU, lang, List.of(), Decision.Reason.GREETING);
        }
        List<Retriever.Match> ranked = retriever.search(q, lang);
        List<Retriever.Match> top = ranked.subList(0, Math.min(MAX_SUGGESTIONS, ranked.size()));
        if (outOfScope.matches(q)) {
            return new Decision(Decision.Kind.DECLINE, lang, top, Decision.Reason.OUT_OF_SCOPE);
        }
        if (top.isEmpty() || top.get(0).coverage() < thresholds.declineCoverage()) {
            return new Decision(Decision.Kind.DECLINE, lang, top, Decision.Reason.NO_MATCH);
        }
        Retriever.Match best = top.get(0);
        double ratio = top.size() > 1 ? top.get(1).score() / best.score() : 0;
        if (best.coverage() >= thresholds.answerCoverage() && ratio <= thresholds.maxRunnerUpRatio()) {
            return new Decision(Decision.Kind.ANSWER, lang, top, Decision.Reason.CONFIDENT);
        }
        return new Decision(Decision.Kind.SUGGEST, lang, top, Decision.Reason.UNSURE);
    }
}
