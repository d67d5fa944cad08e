package org.dari.conversation;

import org.dari.knowledge.Decision;
import org.dari.knowledge.KnowledgeService;
import org.dari.knowledge.Lang;

import java.util.Optional;

/**
 * How a conversation reads an ordinary message before it asks the knowledge base: a command, small
 * talk (thanks, feelings without words, a script Dari cannot read), a greeting or opener (answered
 * with the menu), or a question. {@link Conversation} takes these steps in this order; {@code dari kb
 * eval} uses {@link #route} so that it measures greetings and questions as people meet them.
 */
public final class FrontDoor {
    /** Where a message goes. */
    public enum Route { MENU_COMMAND, OTHER_COMMAND, SMALL_TALK, GREETING, QUESTION }

    private final CommandWords commands;
    private final KnowledgeService knowledge;

    public FrontDoor(CommandWords commands, KnowledgeService knowledge) {
        this.commands = commands;
        this.knowledge = knowledge;
    }

    /** The route of a first message (from someone with no request or choice open, who has asked nothing yet). */
    public Route route(String text, Lang searchLang) {
        Optional<Command> command = command(text, false);
        if (command.isPresent()) return command.get() == Command.MENU ? Route.MENU_COMMAND : Route.OTHER_COMMAND;
        if (commands.smallTalk(text).isPresent()) return Route.SMALL_TALK;
        return isGreeting(text, searchLang) ? Route.GREETING : Route.QUESTION;
    }

    /**
     * The command a message gives, if it gives one. A bare "help" ({@link Command#HELP}) is the
     * request for help once she has asked something, else the menu.
     */
    public Optional<Command> command(String text, boolean hasAsked) {
        return commands.match(text).map(c -> c != Command.HELP ? c : hasAsked ? Command.HELP_REQUEST : Command.MENU);
    }

    /**
     * A greeting or opener, or a greeting followed by words that the knowledge base has no answer
     * for ("안녕하세요 혹시 계세요?", "hi, first time using this"). A greeting followed by a real
     * question is a question.
     */
    public boolean isGreeting(String text, Lang searchLang) {
        if (commands.isOpener(text)) return true;
        Optional<String> rest = commands.afterGreeting(text);
        if (rest.isEmpty()) return false;
        if (rest.get().isBlank() || commands.isOpener(rest.get())) return true;
        Decision decision = knowledge.decide(rest.get(), searchLang);
        return decision.kind() == Decision.Kind.MENU
                || (decision.kind() == Decision.Kind.DECLINE && decision.reason() == Decision.Reason.NO_MATCH);
    }
}
