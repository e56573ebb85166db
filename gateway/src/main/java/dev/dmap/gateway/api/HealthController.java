package dev.dmap.gateway.api;

import dev.dmap.gateway.batches.BatchStates;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /health}, without a key, for a load balancer or a supervisor: 200 {@code up} once the
 * gateway answers batch states, 503 {@code starting} while it reads those published before it
 * started, 503 {@code down} (with the reason) if it cannot read them at all.
 */
@RestController
class HealthController {
    private final BatchStates states;

    HealthController(BatchStates states) {
        this.states = states;
    }

    @GetMapping("/health")
    ResponseEntity<Map<String, Object>> health() {
        String problem = states.problem();
        Map<String, Object> body = new LinkedHashMap<>();
        if (problem == null) {
            body.put("status", "up");
            return ResponseEntity.ok(body);
        }
        body.put("status", states.failed() ? "down" : "starting");
        body.put("reason", problem);
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body(body);
    }
}
