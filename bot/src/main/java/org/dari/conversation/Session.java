package org.dari.conversation;

import org.dari.knowledge.Lang;

import java.util.List;

/**
 * What the bot remembers about one conversation, in memory only, until it
 * goes idle. Accessed by one worker at a time (the dispatcher keeps each
 * person's messages in order), so it needs no locking.
 */
public final class Session {
    /** Something a number in the person's next message can pick. */
    public sealed interface Choice permits CategoryChoice, TopicChoice {
    }

    public record CategoryChoice(String categoryId) implements Choice {
    }

    public record TopicChoice(String entryId) implements Choice {
    }

    private Lang lang;
    private boolean langChosen;
    private boolean greeted;
    private List<Choice> choices = List.of();
    private boolean noneOffered;
    private String lastEntryId;

    public Session(Lang lang) {
        this.lang = lang;
    }

    public Lang lang() {
        return lang;
    }

    /** The language of the latest message, unless the person chose one by command. */
    public void noticeLanguage(Lang detected) {
        if (!langChosen) lang = detected;
    }

    public void chooseLanguage(Lang chosen) {
        lang = chosen;
        langChosen = true;
    }

    public boolean greeted() {
        return greeted;
    }

    public void markGreeted() {
        greeted = true;
    }

    public List<Choice> choices() {
        return choices;
    }

    public boolean noneOffered() {
        return noneOffered;
    }

    public void offer(List<? extends Choice> offered, boolean withNone) {
        choices = List.copyOf(offered);
        noneOffered = withNone;
    }

    public String lastEntryId() {
        return lastEntryId;
    }

    public void answered(String entryId) {
        lastEntryId = entryId;
    }
}
