package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Scheduler;
import com.github.benmanes.caffeine.cache.Ticker;
import org.dari.knowledge.Lang;

import java.time.Duration;
import java.util.function.Consumer;

/**
 * In-memory sessions that vanish after idle time; bounded in number. When a session goes idle,
 * the listener hears the Signal id of its person (only if one was {@linkplain #remember remembered}),
 * so the Signal side can forget her too; the id lives no longer than her session.
 */
public final class Sessions {
    private final Cache<String, Session> cache;
    private final Lang defaultLang;

    public Sessions(Duration idle, long maxSessions, Lang defaultLang) {
        this(idle, maxSessions, defaultLang, signalId -> { }, Ticker.systemTicker());
    }

    /** @param idleExpired told the Signal id of each remembered person whose session expired from idleness */
    public Sessions(Duration idle, long maxSessions, Lang defaultLang, Consumer<String> idleExpired, Ticker ticker) {
        this.cache = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(maxSessions).ticker(ticker)
                .scheduler(Scheduler.systemScheduler())
                .<String, Session>removalListener((key, session, cause) -> {
                    if (cause == RemovalCause.EXPIRED && session != null && session.signalId() != null) {
                        idleExpired.accept(session.signalId());
                    }
                })
                .build();
        this.defaultLang = defaultLang;
    }

    public Session get(String key) {
        return cache.get(key, k -> new Session(defaultLang));
    }

    /** Keeps her Signal id with her session, so that idle expiry can make the Signal side forget her. */
    public void remember(String key, String signalId) {
        get(key).signalId(signalId);
    }

    public boolean exists(String key) {
        return cache.getIfPresent(key) != null;
    }

    public void forget(String key) {
        cache.invalidate(key);
    }

    /** Runs pending expiry now (the scheduler does it on its own in time). */
    public void cleanUp() {
        cache.cleanUp();
    }

    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
