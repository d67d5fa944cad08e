package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.dari.referral.ReferralCode;

import java.time.Duration;
import java.util.Optional;

/**
 * People whose messages go to an organisation for a while, after a caseworker answered them: in
 * memory only, keyed by the person's keyed hash, forgotten after the configured hours.
 */
public final class Exchanges {
    /** The case a person is talking in, by its full code (the organisation comes from the case itself). */
    public record Exchange(ReferralCode code) {
        @Override
        public String toString() {
            return "Exchange[redacted]";
        }
    }

    private final Cache<String, Exchange> open;

    public Exchanges(Duration length, long max) {
        this.open = Caffeine.newBuilder().expireAfterWrite(length).maximumSize(max).build();
    }

    public Optional<Exchange> of(String personKey) {
        return Optional.ofNullable(open.getIfPresent(personKey));
    }

    /** Starts (or restarts) the exchange; true if it was not already running for this case. */
    public boolean start(String personKey, Exchange exchange) {
        Exchange before = open.asMap().put(personKey, exchange);
        return before == null || !before.code().equals(exchange.code());
    }

    public void end(String personKey) {
        open.invalidate(personKey);
    }
}
