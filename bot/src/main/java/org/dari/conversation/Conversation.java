package org.dari.conversation;

import org.dari.knowledge.Category;
import org.dari.knowledge.Decision;
import org.dari.knowledge.Entry;
import org.dari.knowledge.KnowledgeBase;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.referral.ReferralCode;
import org.dari.safety.Redactor;
import org.dari.safety.TextNormalizer;
import org.dari.safety.UrgentDetector;
import org.dari.safety.UrgentKind;
import org.dari.knowledge.UrgentAnswers;
import org.dari.transport.InboundMessage;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The flow for one message. Before any flow the text is normalised and checked for danger: an
 * urgent message gets the answer for its kind of danger first, whatever else was going on. Then
 * one router picks the flow: a registered caseworker goes to the caseworker desk; a request for
 * help being put together goes on; otherwise commands, messages to an organisation (under a code
 * or in an open exchange), numbered choices and questions. Returns what to send; keeps its memory
 * in the {@link Session}; never sends anything itself.
 */
public final class Conversation {
    private static final Pattern NUMBER = Pattern.compile("\\s*/?\\s*(\\d{1,3})\\s*[.)]?\\s*");
    private static final Pattern FORGET_WITH_CODE = Pattern.compile(
            "^\\s*/?\\s*(삭제|지우기|forget|delete|erase)\\s+(.+)$", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern LATIN_WORD = Pattern.compile("\\p{IsLatin}{2,}");
    private static final int MAX_RELATED = 3;

    /** Danger now: how it is recognised and what is answered for each kind. */
    public record Urgency(UrgentDetector detector, UrgentAnswers answers) {
    }

    private final KnowledgeService knowledge;
    private final Messages messages;
    private final CommandWords commands;
    private final FrontDoor frontDoor;
    private final Map<String, Map<Lang, String>> categoryTitles;
    private final PrivacyFacts privacy;
    private final Urgency urgency;
    private final Referrals referrals;
    private final ReferralFlow referralFlow;
    private final CaseworkerDesk desk;
    private final int maxMessageChars;
    private final Cache<String, Boolean> warned;

    public Conversation(KnowledgeService knowledge, Messages messages, CommandWords commands,
                        Map<String, Map<Lang, String>> categoryTitles, PrivacyFacts privacy, Urgency urgency,
                        Referrals referrals, Redactor redactor, int maxMessageChars, int noteMaxChars) {
        this.knowledge = knowledge;
        this.messages = messages;
        this.commands = commands;
        this.frontDoor = new FrontDoor(commands, knowledge);
        this.categoryTitles = Map.copyOf(categoryTitles);
        this.privacy = privacy;
        this.urgency = urgency;
        this.referrals = referrals;
        this.referralFlow = new ReferralFlow(referrals, messages, redactor, noteMaxChars, this::answer);
        this.desk = new CaseworkerDesk(referrals, messages);
        this.maxMessageChars = maxMessageChars;
        Duration warnAgain = privacy.disappearingTimer().isZero() ? Duration.ofDays(1) : privacy.disappearingTimer();
        this.warned = Caffeine.newBuilder().expireAfterWrite(warnAgain).maximumSize(200_000).build();
    }

    /** Everything to do about one message. {@code session} is the sender's, and is updated. */
    public Reply handle(InboundMessage message, Session session) {
        Reply.Builder out = new Reply.Builder();
        String text = TextNormalizer.normalize(message.text());
        Optional<Lang> detected = Lang.detect(text);
        detected.ifPresent(l -> session.noticeLanguage(l, isSentence(text, l)));
        Lang lang = session.lang();
        List<String> preface = new ArrayList<>();
        if (message.hadAttachments()) preface.add(messages.get(lang, "attachments_deleted"));
        if (text.isEmpty()) {
            // only invisible or control characters: say so rather than stay silent
            if (!message.text().isEmpty()) out.say(messages.get(lang, "not_recognised"));
            return out.preface(preface).build();
        }
        if (text.codePointCount(0, text.length()) > maxMessageChars) {
            return out.preface(preface).say(messages.get(lang, "too_long", "max", maxMessageChars)).build();
        }
        if (referrals.isCaseworkerAccount(message.sender())) {
            desk.handle(message, text, session, out.preface(preface));
            return out.build();
        }
        String personKey = referrals.personKey(message.sender());
        // the first-contact advice rides in the same message as the first answer: one message, not two
        String advice = warned.asMap().putIfAbsent(personKey, Boolean.TRUE) == null ? messages.get(lang, "first_contact") : null;

        Optional<UrgentKind> urgent = urgency.detector().detect(text);
        if (urgent.isPresent() && session.intake() != null && session.intake().step() == Intake.Step.NOTE) {
            // her note speaks of danger: answer it first, and send the request now, as urgent
            session.intake().markUrgent(urgent.get());
            Intake intake = session.intake();
            out.say(urgentAnswer(urgent.get(), session));
            session.startIntake(intake);
            referralFlow.step(message, text, session, out);
            return out.preface(preface).build();
        }
        if (urgent.isPresent()) {
            session.endIntake();
            String answer = urgentAnswer(urgent.get(), session);
            if (advice != null) preface.add(advice);
            out.say(answer + (preface.isEmpty() ? "" : "\n\n" + String.join("\n\n", preface)));
            referralFlow.writeInExchange(message, text, session, out);
            return out.build();
        }
        if (advice != null) preface.add(advice);
        out.preface(preface);
        if (CaseworkerDesk.looksLikeCommand(text)) return out.say(messages.get(lang, "not_recognised")).build();

        Optional<Command> command = frontDoor.command(text, session.hasAsked());
        Optional<ReferralCode> forgetCode = Optional.empty();
        if (command.isEmpty()) {
            Matcher f = FORGET_WITH_CODE.matcher(text);
            if (f.matches()) {
                forgetCode = ReferralCode.parse(f.group(2));
                if (forgetCode.isPresent()) command = Optional.of(Command.FORGET);
            }
        }
        if (session.intake() != null) {
            if (command.isEmpty()) {
                referralFlow.step(message, text, session, out);
                return out.build();
            }
            if (command.get() == Command.CANCEL) {
                referralFlow.cancel(session, out);
                return out.build();
            }
            session.endIntake(); // any other command ends the request, keeping nothing
        }
        if (command.isPresent()) {
            if (command.get() != Command.MORE) referrals.exchanges().end(personKey);
            if (command.get() == Command.FORGET) {
                int ended = referralFlow.forgetCases(message, forgetCode, session, out);
                session.offer(List.of(), false);
                session.answered(null);
                session.endIntake();
                warned.invalidate(personKey);
                out.say(messages.get(lang, "forget_done") + "\n"
                        + messages.get(lang, privacy.signalForgets() ? "forget_signal_forgets" : "forget_signal_keeps")
                        + "\n\n" + (ended > 0
                        ? messages.get(lang, "forget_cases_closed", "count", ended)
                        : messages.get(lang, "forget_cases_unknown", "days", privacy.referralIdle().toDays())));
                return out.erase().build();
            }
            if (command.get() == Command.HELP_REQUEST) {
                referralFlow.start(session, out);
                return out.build();
            }
            return out.sayAll(command(command.get(), session)).build();
        }
        if (referralFlow.writeWithCode(message, text, session, out)) return out.build();
        if (referralFlow.writeInExchange(message, text, session, out)) return out.build();
        var number = NUMBER.matcher(text);
        if (number.matches()) {
            int n = Integer.parseInt(number.group(1));
            if (isDangerChoice(n, session)) return out.say(urgentAnswer(UrgentKind.GENERAL, session)).build();
            return out.sayAll(choose(n, session)).build();
        }
        Optional<SmallTalk.Kind> talk = commands.smallTalk(text);
        if (talk.isPresent()) return out.say(smallTalk(talk.get(), lang)).build();
        if (frontDoor.isGreeting(text, detected.orElse(lang))) {
            return out.say(menu(session, true)).build();
        }
        return out.sayAll(question(text, detected.orElse(lang), session)).build();
    }

    /**
     * Whether a message says which language she writes in: any Korean sentence does; English needs
     * two words or more, since Korean writers type "ok", "more" or "thx" too. Commands never do.
     */
    private boolean isSentence(String text, Lang lang) {
        if (commands.match(text).isPresent() || NUMBER.matcher(text).matches()) return false;
        if (lang == Lang.KO) return text.codePoints().anyMatch(cp -> cp >= 0xAC00 && cp <= 0xD7A3);
        if (commands.smallTalk(text).isPresent()) return false;
        return LATIN_WORD.matcher(text).results().limit(2).count() == 2;
    }

    private String smallTalk(SmallTalk.Kind kind, Lang lang) {
        return switch (kind) {
            case THANKS -> messages.get(lang, "thanks_reply");
            case OKAY -> messages.get(lang, "okay_reply");
            case DISTRESS -> messages.get(lang, "distress_reply");
            // one message in both languages and in Chinese, whatever the conversation's language
            case OTHER_SCRIPT -> messages.get(Lang.KO, "other_script") + "\n" + messages.get(Lang.EN, "other_script")
                    + "\n" + messages.get(lang, "other_script_zh");
        };
    }

    /** The answer for a kind of danger, ending with the one word that reaches a person. */
    private String urgentAnswer(UrgentKind kind, Session session) {
        Lang lang = session.lang();
        String body;
        if (kind == UrgentKind.SUICIDE) {
            body = answer("emotional-support", session);
        } else {
            body = urgency.answers().answer(kind.id(), lang)
                    .or(() -> urgency.answers().answer(UrgentKind.GENERAL.id(), lang))
                    .map(a -> {
                        session.answeredFrom(a.title(), a.sourceLabels());
                        return a.title() + "\n\n" + a.text().strip() + "\n\n"
                                + messages.get(lang, "source_line", "count", a.sourceLabels().size());
                    })
                    .orElseGet(() -> answer("urgent-danger", session));
        }
        session.urgentAnswered(kind);
        return body + "\n\n" + messages.get(lang, "urgent_offer");
    }

    private boolean isDangerChoice(int n, Session session) {
        List<? extends Session.Choice> choices = session.choices().isEmpty() ? menuChoices() : session.choices();
        return n >= 1 && n <= choices.size() && choices.get(n - 1) instanceof Session.DangerChoice;
    }

    private List<String> command(Command command, Session session) {
        return switch (command) {
            case MENU -> List.of(menu(session, false));
            case KOREAN, ENGLISH -> {
                session.chooseLanguage(command == Command.KOREAN ? Lang.KO : Lang.EN);
                yield List.of(messages.get(session.lang(), "language_set"), menu(session, false));
            }
            case FORGET -> throw new IllegalStateException("forget is handled before other commands");
            case PRIVACY -> List.of(privacyNotice(session.lang()));
            case HELP_REQUEST -> throw new IllegalStateException("the help request is handled before other commands");
            case HELP -> throw new IllegalStateException("a bare help is read as the menu or the help request first");
            case CANCEL -> List.of(messages.get(session.lang(), "nothing_to_cancel"));
            case MORE -> List.of(more(session));
            case SOURCES -> List.of(sources(session));
        };
    }

    String privacyNotice(Lang lang) {
        return messages.get(lang, "privacy",
                "sessionMinutes", privacy.sessionIdle().toMinutes(),
                "journalDays", privacy.journalMax().toDays(),
                "outboxDays", privacy.outboxMax().toDays(),
                "referralDays", privacy.referralIdle().toDays(),
                "timer", timer(lang),
                "signal", messages.get(lang, privacy.signalForgets() ? "privacy_signal_forgets" : "privacy_signal_keeps"));
    }

    private String timer(Lang lang) {
        long hours = privacy.disappearingTimer().toHours();
        if (hours == 24) return messages.get(lang, "timer_one_day");
        return hours % 24 == 0
                ? messages.get(lang, "timer_days", "days", hours / 24)
                : messages.get(lang, "timer_hours", "hours", hours);
    }

    private String sources(Session session) {
        Lang lang = session.lang();
        if (session.sources().isEmpty()) return messages.get(lang, "no_sources");
        StringBuilder out = new StringBuilder(messages.get(lang, "sources_header", "title", session.sourcesTitle()));
        for (String label : session.sources()) out.append("\n· ").append(label);
        return out.toString();
    }

    private String more(Session session) {
        KnowledgeBase kb = knowledge.snapshot().kb();
        Lang lang = session.lang();
        Optional<Entry> entry = Optional.ofNullable(session.lastEntryId()).flatMap(kb::entry);
        if (entry.isEmpty() || entry.get().text(lang).more().isEmpty()) return messages.get(lang, "no_more");
        return entry.get().text(lang).title() + "\n" + entry.get().text(lang).more();
    }

    private List<String> choose(int number, Session session) {
        Lang lang = session.lang();
        if (number == 0 && session.noneOffered()) {
            session.offer(List.of(), false);
            return List.of(messages.get(lang, "none_chosen"));
        }
        List<? extends Session.Choice> choices = session.choices().isEmpty() ? menuChoices() : session.choices();
        if (number < 1 || number > choices.size()) return List.of(messages.get(lang, "bad_number"));
        Session.Choice choice = choices.get(number - 1);
        if (choice instanceof Session.CategoryChoice c) return List.of(category(c.categoryId(), session));
        if (choice instanceof Session.DangerChoice) return List.of(urgentAnswer(UrgentKind.GENERAL, session));
        return List.of(answer(((Session.TopicChoice) choice).entryId(), session));
    }

    private List<String> question(String text, Lang searchLang, Session session) {
        Decision decision = knowledge.decide(text, searchLang);
        Lang lang = session.lang();
        if (decision.kind() != Decision.Kind.MENU) session.markAsked();
        return switch (decision.kind()) {
            case MENU -> List.of(menu(session, true));
            case ANSWER -> List.of(answer(decision.matches().get(0).id(), session));
            case SUGGEST -> List.of(suggest(decision.matches(), session));
            case DECLINE -> {
                String key = decision.reason() == Decision.Reason.OUT_OF_SCOPE ? "decline_out_of_scope" : "decline";
                boolean noMatch = decision.reason() == Decision.Reason.NO_MATCH;
                if (noMatch && (!session.greeted() || commands.isMostlyOpener(text))) {
                    yield List.of(menu(session, true));
                }
                session.offer(List.of(), false);
                yield List.of(messages.get(lang, key));
            }
        };
    }

    private String menu(Session session, boolean welcome) {
        Lang lang = session.lang();
        List<Session.Choice> choices = menuChoices();
        StringBuilder categories = new StringBuilder(messages.get(lang, "danger_item"));
        for (int i = 1; i < choices.size(); i++) {
            categories.append('\n');
            categories.append(messages.get(lang, "category_item", "number", i + 1,
                    "title", categoryTitle(((Session.CategoryChoice) choices.get(i)).categoryId(), lang)));
        }
        session.offer(choices, false);
        String menu = messages.get(lang, "menu", "categories", categories);
        boolean greet = welcome || !session.greeted();
        session.markGreeted();
        return greet ? messages.get(lang, "welcome") + "\n\n" + menu : menu;
    }

    /** The menu: "I am in danger now" first, then the categories. */
    private static List<Session.Choice> menuChoices() {
        List<Session.Choice> choices = new ArrayList<>();
        choices.add(new Session.DangerChoice());
        Category.ids().forEach(id -> choices.add(new Session.CategoryChoice(id)));
        return choices;
    }

    private String category(String categoryId, Session session) {
        Lang lang = session.lang();
        List<Entry> entries = knowledge.snapshot().kb().inCategory(categoryId);
        StringBuilder out = new StringBuilder(messages.get(lang, "category_header",
                "category", categoryTitle(categoryId, lang)));
        List<Session.TopicChoice> choices = new ArrayList<>();
        for (Entry e : entries) {
            choices.add(new Session.TopicChoice(e.id()));
            out.append('\n').append(messages.get(lang, "topic_item", "number", choices.size(), "title", e.text(lang).title()));
        }
        session.offer(choices, false);
        return out.toString();
    }

    private String suggest(List<Retriever.Match> matches, Session session) {
        Lang lang = session.lang();
        KnowledgeBase kb = knowledge.snapshot().kb();
        StringBuilder out = new StringBuilder(messages.get(lang, "suggest_header"));
        List<Session.TopicChoice> choices = new ArrayList<>();
        for (Retriever.Match m : matches) {
            Optional<Entry> e = kb.entry(m.id());
            if (e.isEmpty()) continue;
            choices.add(new Session.TopicChoice(m.id()));
            out.append('\n').append(messages.get(lang, "topic_item", "number", choices.size(), "title", e.get().text(lang).title()));
        }
        out.append('\n').append(messages.get(lang, "suggest_none"));
        session.offer(choices, true);
        session.markGreeted();
        return out.toString();
    }

    private String answer(String entryId, Session session) {
        Lang lang = session.lang();
        KnowledgeBase kb = knowledge.snapshot().kb();
        Optional<Entry> found = kb.entry(entryId);
        if (found.isEmpty()) return messages.get(lang, "try_again");
        Entry entry = found.get();
        Entry.Text t = entry.text(lang);
        StringBuilder out = new StringBuilder();
        out.append(t.title()).append("\n\n").append(t.answer()).append("\n\n");
        List<String> labels = entry.sources().stream().map(s -> s.label(lang)).toList();
        out.append(messages.get(lang, "source_line", "count", labels.size()));
        session.answeredFrom(t.title(), labels);
        if (!t.more().isEmpty()) out.append('\n').append(messages.get(lang, "more_hint"));
        List<Session.TopicChoice> related = new ArrayList<>();
        for (String id : entry.related()) {
            if (related.size() == MAX_RELATED) break;
            kb.entry(id).ifPresent(r -> related.add(new Session.TopicChoice(r.id())));
        }
        if (!related.isEmpty()) {
            out.append("\n\n").append(messages.get(lang, "related_header"));
            for (int i = 0; i < related.size(); i++) {
                out.append('\n').append(messages.get(lang, "topic_item", "number", i + 1,
                        "title", kb.entry(related.get(i).entryId()).orElseThrow().text(lang).title()));
            }
        }
        session.offer(related, false);
        session.answered(entryId);
        session.markGreeted();
        return out.toString();
    }

    private String categoryTitle(String categoryId, Lang lang) {
        return categoryTitles.getOrDefault(categoryId, Map.of()).getOrDefault(lang, categoryId);
    }
}
