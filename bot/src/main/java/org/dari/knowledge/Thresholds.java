package org.dari.knowledge;

/**
 * When to answer, offer choices or decline, per language (Korean and English
 * questions are scored on different fields, so their scores differ in scale).
 * Defaults were tuned with {@code dari kb eval --tune} on the development
 * questions; re-tune after large content changes.
 *
 * @param koDecline  a Korean question whose best entry scores below this is declined
 * @param koAnswer   at or above this, and clear of the runner-up, it is answered outright
 * @param enDecline  the same for English
 * @param enAnswer   the same for English
 * @param maxRunnerUpRatio the runner-up's score over the best's must be at most this to answer
 */
public record Thresholds(double koDecline, double koAnswer, double enDecline, double enAnswer, double maxRunnerUpRatio) {
    public static Thresholds defaults() {
        return new Thresholds(36, 83, 44, 104, 0.50);
    }

    /** For the Lucene ranking alone: the bot's first seconds, while the classifier trains. */
    public static Thresholds luceneOnly() {
        return new Thresholds(37.5, 100, 50, 100, 0.75);
    }

    public Thresholds {
        if (koDecline < 0 || enDecline < 0 || koDecline > koAnswer || enDecline > enAnswer) {
            throw new IllegalArgumentException("need 0 <= decline <= answer in each language");
        }
        if (maxRunnerUpRatio <= 0 || maxRunnerUpRatio > 1) {
            throw new IllegalArgumentException("runner-up ratio must be in (0, 1]");
        }
    }

    public double decline(Lang lang) {
        return lang == Lang.KO ? koDecline : enDecline;
    }

    public double answer(Lang lang) {
        return lang == Lang.KO ? koAnswer : enAnswer;
    }

    /** The decision these thresholds give for a ranking (best first, off-topic kinds included). */
    public Decision.Kind decide(Lang lang, java.util.List<Retriever.Match> ranked) {
        if (ranked.isEmpty() || ranked.get(0).offTopic()) return Decision.Kind.DECLINE;
        Retriever.Match best = ranked.get(0);
        if (best.score() < decline(lang)) return Decision.Kind.DECLINE;
        double ratio = ranked.size() > 1 ? ranked.get(1).score() / best.score() : 0;
        return best.score() >= answer(lang) && ratio <= maxRunnerUpRatio ? Decision.Kind.ANSWER : Decision.Kind.SUGGEST;
    }
}
