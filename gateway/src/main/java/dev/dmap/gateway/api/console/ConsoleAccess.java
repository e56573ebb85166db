package dev.dmap.gateway.api.console;

import dev.dmap.gateway.api.ApiKeys;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Arrays;
import java.util.Optional;
import org.springframework.web.servlet.HandlerInterceptor;

/**
 * Every console page but the sign-in needs a live session: the owner and whether it is an admin are
 * put on the request; without one, a page is sent to the sign-in and a live part (an htmx poll) tells
 * htmx to go there. A gateway without a keys file (loopback only) signs everyone in as the anonymous
 * owner, an admin, as its API does.
 */
final class ConsoleAccess implements HandlerInterceptor {
    static final String COOKIE = "dmap_console";
    static final String OWNER = "dmap.console.owner";
    static final String ADMIN = "dmap.console.admin";
    static final String MAX_PRIORITY = "dmap.console.max-priority";
    static final String SIGN_IN = "/console/login";
    private final ApiKeys keys;
    private final ConsoleSessions sessions;

    ConsoleAccess(ApiKeys keys, ConsoleSessions sessions) {
        this.keys = keys;
        this.sessions = sessions;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) throws Exception {
        Optional<ApiKeys.Grant> grant = keys.isAnonymous() ? keys.grant("") : sessions.grant(sessionId(request));
        if (grant.isPresent()) {
            request.setAttribute(OWNER, grant.get().owner());
            request.setAttribute(ADMIN, keys.isAnonymous() || grant.get().admin());
            request.setAttribute(MAX_PRIORITY, grant.get().maxPriority());
            return true;
        }
        if (request.getHeader("HX-Request") != null) {
            response.setHeader("HX-Redirect", SIGN_IN);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } else {
            response.sendRedirect(SIGN_IN);
        }
        return false;
    }

    static String sessionId(HttpServletRequest request) {
        Cookie[] cookies = request.getCookies();
        return cookies == null ? null : Arrays.stream(cookies).filter(cookie -> COOKIE.equals(cookie.getName()))
                .map(Cookie::getValue).findFirst().orElse(null);
    }
}
