package dev.dmap.gateway.api.console;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.servlet.ModelAndView;

/** The console's failures as pages, not as the API's JSON: a batch one may not see is simply not there (404). */
@ControllerAdvice(basePackageClasses = ConsoleErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class ConsoleErrors {
    private static final Logger log = LoggerFactory.getLogger(ConsoleErrors.class);

    @ExceptionHandler(ResponseStatusException.class)
    ModelAndView status(ResponseStatusException e) {
        ModelAndView page = new ModelAndView("console/problem");
        page.setStatus(HttpStatus.valueOf(e.getStatusCode().value()));
        page.addObject("title", e.getStatusCode().value() == 404 ? "Not found" : "Refused");
        page.addObject("message", e.getReason());
        return page;
    }

    @ExceptionHandler(RuntimeException.class)
    ModelAndView unexpected(RuntimeException e) {
        log.error("A console page failed unexpectedly", e);
        ModelAndView page = new ModelAndView("console/problem");
        page.setStatus(HttpStatus.INTERNAL_SERVER_ERROR);
        page.addObject("title", "Something went wrong");
        page.addObject("message", "The gateway failed unexpectedly; its log says why.");
        return page;
    }
}
