package org.dari.cli;

import org.dari.conversation.MemoryMessageStore;
import org.dari.conversation.MessageStore;

import java.io.PrintStream;
import java.util.function.UnaryOperator;

/** The bot's durable state in its data directory, and how it names people there. */
final class LocalState implements AutoCloseable {
    private final MessageStore store;
    private final UnaryOperator<String> personKey;

    private LocalState(MessageStore store, UnaryOperator<String> personKey) {
        this.store = store;
        this.personKey = personKey;
    }

    static LocalState open(Config config, PrintStream err) {
        return new LocalState(new MemoryMessageStore(), UnaryOperator.identity());
    }

    MessageStore store() {
        return store;
    }

    UnaryOperator<String> personKey() {
        return personKey;
    }

    @Override
    public void close() {
    }
}
