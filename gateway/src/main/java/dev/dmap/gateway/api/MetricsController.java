package dev.dmap.gateway.api;

import dev.dmap.gateway.online.OnlineMetrics;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /metrics}, without a key, for Prometheus: the online lane's metrics in its text format. */
@RestController
class MetricsController {
    private final OnlineMetrics metrics;

    MetricsController(OnlineMetrics metrics) {
        this.metrics = metrics;
    }

    @GetMapping("/metrics")
    ResponseEntity<String> metrics() {
        return ResponseEntity.ok().contentType(MediaType.parseMediaType("text/plain; version=0.0.4; charset=utf-8"))
                .body(metrics.scrape());
    }
}
