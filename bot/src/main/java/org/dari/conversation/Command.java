package org.dari.conversation;

/** What a person can ask the bot to do, besides asking a question. */
public enum Command {
    MENU, KOREAN, ENGLISH, FORGET, PRIVACY, HELP_REQUEST, MORE, CANCEL, SOURCES,
    /**
     * A bare "help" or "도와주세요": the request for help once she has asked something (answers end
     * with "send help"); as a first message, the menu, which opens with "I am in danger now"
     * and says how to ask for a person.
     */
    HELP
}
