package org.dari.knowledge;

/**
 * When to answer, offer choices or decline. Defaults were tuned with
 * {@code dari kb eval} on the development questions (see README).
 *
 * @param declineCoverage below this share of the question explained by the best entry: decline
 * @param answerCoverage  at or above this, and clear of the runner-up: answer
 * @param maxRunnerUpRatio the runner-up's score over the best's must be at most this to answer
 */
public record Thresholds(double declineCoverage, double answerCoverage, double maxRunnerUpRatio) {
    public static Thresholds defaults() {
        return new Thresholds(0.35, 0.55, 0.80);
    }

    public Thresholds {
        if (declineCoverage < 0 || answerCoverage > 1 || declineCoverage > answerCoverage) {
            throw new IllegalArgumentException("thresholds must satisfy 0 <= decline <= answer <= 1");
        }
        if (maxRunnerUpRatio <= 0 || maxRunnerUpRatio > 1) {
            throw new IllegalArgumentException("runner-up ratio must be in (0, 1]");
        }
    }
}
