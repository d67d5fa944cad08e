package org.dari.knowledge;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns a question into one decision: answer, suggest, decline or menu. */
public final class Answerer {
    public static final int MAX_SUGGESTIONS = 3;

    private final Retriever retriever;
    private final Thresholds thresholds;
    private final PhraseList menuPhrases;
    private final PhraseList outOfScope;
    private final Map<String, PhraseList> priorityRoutes;

    /**
     * @param priorityRoutes entry id → phrases that must reach that entry at once (danger right now)
     */
    public Answerer(Retriever retriever, Thresholds thresholds, PhraseList menuPhrases, PhraseList outOfScope,
                    Map<String, PhraseList> priorityRoutes) {
        this.retriever = retriever;
        this.thresholds = thresholds;
        this.menuPhrases = menuPhrases;
        this.outOfScope = outOfScope;
        this.priorityRoutes = new LinkedHashMap<>(priorityRoutes);
    }

    public Decision decide(String question, Lang lang) {
        String q = question.strip();
        PhraseList.Text phrases = PhraseList.prepare(q);
        if (q.isEmpty() || menuPhrases.matches(phrases)) {
            return new Decision(Decision.Kind.MENU, lang, List.of(), Decision.Reason.GREETING);
        }
        List<Retriever.Match> ranked = retriever.search(q, lang);
        List<Retriever.Match> top = ranked.stream().filter(m -> !m.offTopic()).limit(MAX_SUGGESTIONS).toList();
        for (var route : priorityRoutes.entrySet()) {
            if (route.getValue().matches(phrases)) {
                List<Retriever.Match> routed = new ArrayList<>();
                routed.add(new Retriever.Match(route.getKey(), Double.MAX_VALUE));
                top.stream().filter(m -> !m.id().equals(route.getKey())).limit(MAX_SUGGESTIONS - 1).forEach(routed::add);
                return new Decision(Decision.Kind.ANSWER, lang, routed, Decision.Reason.PRIORITY);
            }
        }
        if (!ranked.isEmpty() && ranked.get(0).id().equals(Retriever.MENU_ID)) {
            return new Decision(Decision.Kind.MENU, lang, List.of(), Decision.Reason.GREETING);
        }
        if (outOfScope.matches(phrases)) {
            return new Decision(Decision.Kind.DECLINE, lang, top, Decision.Reason.OUT_OF_SCOPE);
        }
        return switch (thresholds.decide(lang, ranked)) {
            case DECLINE -> new Decision(Decision.Kind.DECLINE, lang, top, Decision.Reason.NO_MATCH);
            case ANSWER -> new Decision(Decision.Kind.ANSWER, lang, top, Decision.Reason.CONFIDENT);
            default -> new Decision(Decision.Kind.SUGGEST, lang, top, Decision.Reason.UNSURE);
        };
    }
}
