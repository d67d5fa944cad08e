package org.dari.conversation;

import org.dari.knowledge.Lang;
import org.dari.safety.UrgentKind;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What the bot remembers about one conversation, in memory only, until it
 * goes idle. Accessed by one worker at a time (the dispatcher keeps each
 * person's messages in order), so it needs no locking.
 */
public final class Session {
    /** Something a number in the person's next message can pick. */
    public sealed interface Choice permits CategoryChoice, TopicChoice, DangerChoice {
    }

    /** The first item of the menu: "I am in danger now". */
    public record DangerChoice() implements Choice {
    }

    public record CategoryChoice(String categoryId) implements Choice {
    }

    public record TopicChoice(String entryId) implements Choice {
    }

    private Lang lang;
    private boolean langChosen;
    private boolean langNoticed;
    private boolean greeted;
    private List<Choice> choices = List.of();
    private boolean noneOffered;
    private String lastEntryId;
    private boolean asked;
    private Intake intake;
    private UrgentKind lastUrgent;
    private final Set<String> referralCodes = new LinkedHashSet<>();
    private String sourcesTitle;
    private List<String> sources = List.of();

    /** Her Signal id, kept only when the Signal side can forget her at idle expiry; never longer than this session. */
    private volatile String signalId;

    public Session(Lang lang) {
        this.lang = lang;
    }

    String signalId() {
        return signalId;
    }

    void signalId(String id) {
        this.signalId = id;
    }

    public Lang lang() {
        return lang;
    }

    /**
     * The language of a message. A real sentence sets the language of the answers, even over one
     * chosen by command; anything shorter ("ok", "more", a command word) only decides the first
     * language of a new conversation, so a Korean conversation stays Korean when she types "menu".
     */
    public void noticeLanguage(Lang detected, boolean sentence) {
        if (sentence || (!langNoticed && !langChosen)) lang = detected;
        langNoticed = true;
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

    /** Whether she has asked a question or told of danger in this session. */
    public boolean hasAsked() {
        return asked || lastEntryId != null || lastUrgent != null;
    }

    public void markAsked() {
        asked = true;
    }

    public void answered(String entryId) {
        lastEntryId = entryId;
    }

    /** The request for help being put together, if any. */
    public Intake intake() {
        return intake;
    }

    public void startIntake(Intake started) {
        intake = started;
        choices = List.of();
        noneOffered = false;
    }

    public void endIntake() {
        intake = null;
    }

    /** The kind of danger of the last urgent message, so that "help" right after it is urgent too. */
    public UrgentKind lastUrgent() {
        return lastUrgent;
    }

    public void urgentAnswered(UrgentKind kind) {
        lastUrgent = kind;
        choices = List.of();
        noneOffered = false;
    }

    /** Referral codes this person holds, as far as this session knows (for erasing them on request). */
    public Set<String> referralCodes() {
        return Set.copyOf(referralCodes);
    }

    public void holdsReferral(String code) {
        if (referralCodes.size() < 20) referralCodes.add(code);
    }

    /** The sources of the last answer, shown on request. */
    public void answeredFrom(String title, List<String> labels) {
        sourcesTitle = title;
        sources = List.copyOf(labels);
    }

    public String sourcesTitle() {
        return sourcesTitle;
    }

    public List<String> sources() {
        return sources;
    }
}
