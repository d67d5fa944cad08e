package org.dari.conversation;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.dari.knowledge.Lang;

import java.time.Duration;

/** In-memory sessions that vanish after idle time; bounded in number. */
public final class Sessions {
    private final Cache<String, Session> cache;
    private final Lang defaultLang;

    public Sessions(Duration idle, long maxSessions, Lang defaultLang) {
        this.cache = Caffeine.newBuilder().expireAfterAccess(idle).maximumSize(maxSessions).build();
        this.defaultLang = defaultLang;
    }

    public Session get(String key) {
        return cache.get(key, k -> new Session(defaultLang));
    }

    public boolean exists(String key) {
        return cache.getIfPresent(key) != null;
    }

    public void forget(String key) {
        cache.invalidate(key);
    }

    public long size() {
        cache.cleanUp();
        return cache.estimatedSize();
    }
}
