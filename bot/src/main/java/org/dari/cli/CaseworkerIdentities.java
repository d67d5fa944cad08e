package org.dari.cli;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.dari.conversation.Referrals;
import org.dari.log.SafeLog;
import org.dari.transport.SendException;
import org.dari.transport.Transport;

import java.time.Duration;

/**
 * Checks a caseworker's Signal identity against the safety number verified out of band, through
 * the transport; a good answer is remembered for a few minutes, a failure never.
 */
final class CaseworkerIdentities implements Referrals.IdentityCheck {
    private static final SafeLog LOG = SafeLog.of(CaseworkerIdentities.class);
    private final Transport transport;
    private final Cache<String, Boolean> recentlyVerified =
            Caffeine.newBuilder().expireAfterWrite(Duration.ofMinutes(5)).maximumSize(10_000).build();

    CaseworkerIdentities(Transport transport) {
        this.transport = transport;
    }

    @Override
    public boolean verified(String account, String safetyNumber) {
        String key = account + "\u0000" + safetyNumber;
        if (recentlyVerified.getIfPresent(key) != null) return true;
        try {
            boolean ok = transport.identityMatches(account, safetyNumber);
            if (ok) recentlyVerified.put(key, Boolean.TRUE);
            else LOG.warn("caseworker.identity_mismatch");
            return ok;
        } catch (SendException e) {
            LOG.warn("caseworker.identity_unknown", "kind", e.kind());
            return false;
        }
    }
}
