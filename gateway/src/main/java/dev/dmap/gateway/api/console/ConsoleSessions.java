package dev.dmap.gateway.api.console;

import dev.dmap.gateway.api.ApiKeys;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The console's sign-ins: a random session id (the cookie) maps to the API key it was opened with,
 * held in this gateway's memory only. Every use asks the keys file again, so a session ends the
 * moment its key is revoked; one unused for {@link #IDLE} ends too. A restarted gateway forgets its
 * sessions: people sign in again.
 */
final class ConsoleSessions {
    /** A session unused this long ends. */
    static final Duration IDLE = Duration.ofHours(8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Session(String key, Instant lastUsed) {
    }

    private final ApiKeys keys;
    private final Clock clock;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();

    ConsoleSessions(ApiKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    /** A new session for {@code key}, or empty when the keys file does not hold it. */
    Optional<String> open(String key) {
        if (key == null || key.isBlank() || keys.grant(key.strip()).isEmpty()) {
            return Optional.empty();
        }
        byte[] id = new byte[32];
        RANDOM.nextBytes(id);
        String sessionId = Base64.getUrlEncoder().withoutPadding().encodeToString(id);
        sessions.put(sessionId, new Session(key.strip(), clock.instant()));
        return Optional.of(sessionId);
    }

    /** What the session's key may do now; empty (and the session gone) when it is unknown, idle too long or its key revoked. */
    Optional<ApiKeys.Grant> grant(String sessionId) {
        Session session = sessionId == null ? null : sessions.get(sessionId);
        if (session == null) {
            return Optional.empty();
        }
        Instant now = clock.instant();
        Optional<ApiKeys.Grant> grant = session.lastUsed().plus(IDLE).isAfter(now) ? keys.grant(session.key()) : Optional.empty();
        if (grant.isEmpty()) {
            sessions.remove(sessionId);
        } else {
            sessions.put(sessionId, new Session(session.key(), now));
        }
        return grant;
    }

    void close(String sessionId) {
        if (sessionId != null) {
            sessions.remove(sessionId);
        }
    }
}
