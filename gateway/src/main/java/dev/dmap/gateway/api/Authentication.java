package dev.dmap.gateway.api;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.web.cors.CorsUtils;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every {@code /v1} call needs {@code Authorization: Bearer KEY}; the key's owner is put on the request.
 * A gateway without a keys file (loopback only) takes every call as {@link ApiKeys#ANONYMOUS}.
 * A CORS preflight carries no key by design: it passes here and Spring refuses it (403), as the gateway
 * allows no browser origin (thrown at a preflight, the refusal was a 500 with a stack trace per request).
 */
final class Authentication implements HandlerInterceptor {
    static final String OWNER = "dmap.owner";
    static final String MAX_PRIORITY = "dmap.max-priority";
    private final ApiKeys keys;

    Authentication(ApiKeys keys) {
        this.keys = keys;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        if (CorsUtils.isPreFlightRequest(request)) {
            return true;
        }
        if (keys.isAnonymous()) {
            ApiKeys.Grant grant = keys.grant("").orElseThrow();
            request.setAttribute(OWNER, grant.owner());
            request.setAttribute(MAX_PRIORITY, grant.maxPriority());
            return true;
        }
        String header = request.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.substring(7).isBlank()) {
            throw ApiError.noKey();
        }
        ApiKeys.Grant grant = keys.grant(header.substring(7).strip()).orElseThrow(ApiError::wrongKey);
        request.setAttribute(OWNER, grant.owner());
        request.setAttribute(MAX_PRIORITY, grant.maxPriority());
        return true;
    }
}
