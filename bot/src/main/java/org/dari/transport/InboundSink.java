package org.dari.transport;

import java.util.List;

/**
 * Where a transport hands each received message. The call returns only once the
 * message is safely accepted (journaled); a transport must not treat a message as
 * taken before that.
 */
@FunctionalInterface
public interface InboundSink {
    void accept(InboundMessage message) throws Exception;

    /**
     * Hands over several messages received together (one poll answer), in the order received.
     * Returns only once every one of them is journaled; if it throws, the caller offers the same
     * list again (a message already journaled is recognised by its sender and timestamp and not
     * taken twice). A sink may write them all with one durable commit.
     */
    default void acceptAll(List<InboundMessage> messages) throws Exception {
        for (InboundMessage m : messages) accept(m);
    }
}
