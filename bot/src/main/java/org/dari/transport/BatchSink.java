package org.dari.transport;

import java.util.List;

/**
 * A sink that can take several messages received together (one poll answer) in one durable step:
 * when {@link #acceptAll} returns, every one of them is stored (its answer queued, or journaled);
 * when it throws, none of them was taken, and the transport offers them again one by one. The
 * messages are handled in the order given.
 */
public interface BatchSink extends InboundSink {
    void acceptAll(List<InboundMessage> messages) throws Exception;
}
