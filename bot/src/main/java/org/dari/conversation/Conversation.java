package org.dari.conversation;

import org.dari.knowledge.Category;
import org.dari.knowledge.Decision;
import org.dari.knowledge.Entry;
import org.dari.knowledge.KnowledgeBase;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;
import org.dari.knowledge.Retriever;
import org.dari.transport.InboundMessage;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The flow for one message: commands, numbered choices and questions. Returns
 * the replies to send, in order; keeps its memory in the {@link Session}.
 */
public final class Conversation {
    private static final Pattern NUMBER = Pattern.compile("\\s*/?\\s*(\\d{1,3})\\s*[.)]?\\s*");
    private static final int MAX_RELATED = 3;

    private final KnowledgeService knowledge;
    private final Messages messages;
    private final CommandWords commands;
    private final Map<String, Map<Lang, String>> categoryTitles;
    private final PrivacyFacts privacy;

    /** The replies to one message, and whether everything about the sender is to be erased first. */
    public record Reply(List<String> texts, boolean eraseSender) {
        public Reply {
            texts = List.copyOf(texts);
        }

        static Reply of(List<String> texts) {
            return new Reply(texts, false);
        }
    }

    public Conversation(KnowledgeService knowledge, Messages messages, CommandWords commands,
                        Map<String, Map<Lang, String>> categoryTitles, PrivacyFacts privacy) {
        this.knowledge = knowledge;
        this.messages = messages;
        this.commands = commands;
        this.categoryTitles = Map.copyOf(categoryTitles);
        this.privacy = privacy;
    }

    /** The replies to one message. {@code session} is this person's, and is updated. */
    public Reply handle(InboundMessage message, Session session) {
        String text = message.text().strip();
        Optional<Lang> detected = Lang.detect(text);
        detected.ifPresent(session::noticeLanguage);
        Lang lang = session.lang();
        List<String> out = new ArrayList<>();
        if (message.hadAttachments()) out.add(messages.get(lang, "attachments_deleted"));
        if (text.isEmpty()) return Reply.of(out);

        Optional<Command> command = commands.match(text);
        if (command.isPresent()) {
            if (command.get() == Command.FORGET) {
                session.offer(List.of(), false);
                session.answered(null);
                out.add(messages.get(lang, "forget_done"));
                return new Reply(out, true);
            }
            out.addAll(command(command.get(), session));
            return Reply.of(out);
        }
        var number = NUMBER.matcher(text);
        if (number.matches()) {
            out.addAll(choose(Integer.parseInt(number.group(1)), session));
            return Reply.of(out);
        }
        out.addAll(question(text, detected.orElse(lang), session));
        return Reply.of(out);
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
            case HELP_REQUEST -> List.of(messages.get(session.lang(), "help_request_unavailable"));
            case MORE -> List.of(more(session));
        };
    }

    String privacyNotice(Lang lang) {
        return messages.get(lang, "privacy",
                "sessionMinutes", privacy.sessionIdle().toMinutes(),
                "journalDays", privacy.journalMax().toDays(),
                "outboxDays", privacy.outboxMax().toDays(),
                "referralDays", privacy.referralIdle().toDays(),
                "timer", timer(lang));
    }

    private String timer(Lang lang) {
        long hours = privacy.disappearingTimer().toHours();
        if (hours == 24) return messages.get(lang, "timer_one_day");
        return hours % 24 == 0
                ? messages.get(lang, "timer_days", "days", hours / 24)
                : messages.get(lang, "timer_hours", "hours", hours);
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
        List<? extends Session.Choice> choices = session.choices().isEmpty() ? categoryChoices() : session.choices();
        if (number < 1 || number > choices.size()) return List.of(messages.get(lang, "bad_number"));
        Session.Choice choice = choices.get(number - 1);
        if (choice instanceof Session.CategoryChoice c) return List.of(category(c.categoryId(), session));
        return List.of(answer(((Session.TopicChoice) choice).entryId(), session));
    }

    private List<String> question(String text, Lang searchLang, Session session) {
        Decision decision = knowledge.decide(text, searchLang);
        Lang lang = session.lang();
        return switch (decision.kind()) {
            case MENU -> List.of(menu(session, true));
            case ANSWER -> List.of(answer(decision.matches().get(0).id(), session));
            case SUGGEST -> List.of(suggest(decision.matches(), session));
            case DECLINE -> {
                String key = decision.reason() == Decision.Reason.OUT_OF_SCOPE ? "decline_out_of_scope" : "decline";
                if (!session.greeted() && decision.reason() != Decision.Reason.OUT_OF_SCOPE) {
                    yield List.of(menu(session, true));
                }
                session.offer(List.of(), false);
                yield List.of(messages.get(lang, key));
            }
        };
    }

    private String menu(Session session, boolean welcome) {
        Lang lang = session.lang();
        List<Session.CategoryChoice> choices = categoryChoices();
        StringBuilder categories = new StringBuilder();
        for (int i = 0; i < choices.size(); i++) {
            if (i > 0) categories.append('\n');
            categories.append(messages.get(lang, "category_item", "number", i + 1,
                    "title", categoryTitle(choices.get(i).categoryId(), lang)));
        }
        session.offer(choices, false);
        String menu = messages.get(lang, "menu", "categories", categories);
        boolean greet = welcome || !session.greeted();
        session.markGreeted();
        return greet ? messages.get(lang, "welcome") + "\n\n" + menu : menu;
    }

    private static List<Session.CategoryChoice> categoryChoices() {
        return Category.ids().stream().map(Session.CategoryChoice::new).toList();
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
        out.append(messages.get(lang, "source_line", "sources",
                entry.sources().stream().map(s -> s.label(lang)).collect(Collectors.joining("; "))));
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
