package org.dari.conversation;

/** What a person can ask the bot to do, besides asking a question. */
public enum Command {
    MENU, KOREAN, ENGLISH, FORGET, PRIVACY, HELP_REQUEST, MORE, CANCEL, SOURCES
}
