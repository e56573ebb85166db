package dev.dmap.gateway.api.console;

import dev.dmap.gateway.api.ApiKeys;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Optional;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseCookie;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Signing in to the console with a key of the API's keys file, and out again. */
@Controller
@RequestMapping("/console")
class ConsoleSignIn {
    private final ConsoleSessions sessions;
    private final ApiKeys keys;

    ConsoleSignIn(ConsoleSessions sessions, ApiKeys keys) {
        this.sessions = sessions;
        this.keys = keys;
    }

    @GetMapping("/login")
    String login(Model model) {
        model.addAttribute("anonymous", keys.isAnonymous());
        return "console/login";
    }

    /** Opens a session for a key in the keys file; the cookie is HttpOnly, SameSite=Strict and Secure over HTTPS. */
    @PostMapping("/login")
    String signIn(@RequestParam(name = "key", required = false) String key, HttpServletRequest request, HttpServletResponse response,
            Model model) {
        Optional<String> session = sessions.open(key);
        if (session.isEmpty()) {
            model.addAttribute("problem", "That key is not in this gateway's keys file.");
            model.addAttribute("anonymous", keys.isAnonymous());
            response.setStatus(HttpStatus.UNAUTHORIZED.value());
            return "console/login";
        }
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(ConsoleAccess.COOKIE, session.get()).httpOnly(true)
                .sameSite("Strict").secure(request.isSecure()).path("/console").build().toString());
        return "redirect:/console";
    }

    @PostMapping("/logout")
    String signOut(HttpServletRequest request, HttpServletResponse response) {
        sessions.close(ConsoleAccess.sessionId(request));
        response.addHeader(HttpHeaders.SET_COOKIE, ResponseCookie.from(ConsoleAccess.COOKIE, "").httpOnly(true).sameSite("Strict")
                .path("/console").maxAge(0).build().toString());
        return "redirect:/console/login";
    }
}
