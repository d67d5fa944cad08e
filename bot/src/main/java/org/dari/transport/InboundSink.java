package org.dari.transport;

/**
 * Where a transport hands each received message. The call returns only once the
 * message is safely stored (its answer queued, or journaled); a transport must not
 * treat a message as taken before that.
 */
@FunctionalInterface
public interface InboundSink {
    void accept(InboundMessage message) throws Exception;
}
