package dev.dmap.gateway.api.console;

import dev.dmap.client.ClientException;
import dev.dmap.client.Durations;
import dev.dmap.client.FleetModels;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.StatusReport;
import dev.dmap.schemas.WorkerStatus;
import dev.dmap.schemas.kafka.TopicScan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.server.ResponseStatusException;
import tools.jackson.databind.JsonNode;

/**
 * The fleet, for admin keys: each worker with the models its GPU holds, its slots in use, its queue,
 * its loads (and their time) in the last hour; each model's backlog, who serves it and the most
 * urgent deadline the workers hold for it; dead letters by code in the last hour. Read from
 * the workers topic, the workers' group and the dead-letter topic's recent records.
 */
@Controller
@RequestMapping("/console/fleet")
class ConsoleFleet {
    /** Dead letters read per partition for the last hour's counts. */
    static final int RECENT_DEAD_LETTERS = 2_000;
    private static final java.time.format.DateTimeFormatter TIME = java.time.format.DateTimeFormatter
            .ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(java.time.ZoneOffset.UTC);
    private final KafkaConnection kafka;
    private final String group;
    private final Clock clock;

    ConsoleFleet(KafkaConnection kafka, @Value("${dmap.gateway.workers-group:dmap-workers}") String group, Clock clock) {
        this.kafka = kafka;
        this.group = group;
        this.clock = clock;
    }

    /** A worker as the fleet page shows it; the last hour's loads are "-" from a worker older than those fields. */
    record WorkerRow(String id, boolean live, String backend, boolean backendUp, List<String> loaded, List<String> serving,
            int inFlight, String windows, int waiting, long loads, String loadsLastHour, String loadTimeLastHour, String heard,
            String stopped) {
    }

    /** A model's backlog in Kafka, who serves and holds it, and the most urgent deadline the workers hold for it. */
    record ModelRow(String model, long backlog, List<String> servedBy, List<String> loadedOn, String earliestDeadline) {
    }

    @GetMapping
    String fleet(@RequestAttribute(ConsoleAccess.OWNER) String owner, @RequestAttribute(ConsoleAccess.ADMIN) boolean admin,
            Model model) {
        requireAdmin(admin);
        ConsoleController.page(model, owner, admin, "fleet");
        live(admin, model);
        return "console/fleet";
    }

    @GetMapping("/live")
    String live(@RequestAttribute(ConsoleAccess.ADMIN) boolean admin, Model model) {
        requireAdmin(admin);
        Instant now = clock.instant();
        try {
            StatusReport report = StatusReport.read(kafka, group, "", clock);
            model.addAttribute("workers", report.workers().stream().map(status -> row(status, now)).toList());
            Map<String, Instant> deadlines = new TreeMap<>();
            report.workers().stream().filter(status -> FleetModels.live(status, now) && status.earliestDeadlines() != null)
                    .forEach(status -> status.earliestDeadlines().forEach((name, at) -> deadlines.merge(name, at,
                            (a, b) -> a.isBefore(b) ? a : b)));
            model.addAttribute("models", report.models().stream().map(row -> new ModelRow(row.model(), row.backlog(), row.servedBy(),
                    row.loadedOn(), deadlines.containsKey(row.model()) ? TIME.format(deadlines.get(row.model())) : "-")).toList());
            model.addAttribute("deadLetters", deadLettersLastHour(now));
        } catch (ClientException | org.apache.kafka.common.KafkaException e) {
            model.addAttribute("unreadable", "Kafka did not answer (" + e.getMessage() + "); this page shows the fleet again when it does.");
        }
        return "console/fleet :: live";
    }

    private static WorkerRow row(WorkerStatus status, Instant now) {
        return new WorkerRow(status.workerId(), FleetModels.live(status, now), status.backendUrl(), status.backendUp(),
                status.loadedModels(), status.servingModels(), status.inFlight(), FleetModels.windows(status), status.waiting(), status.modelLoads(),
                status.loadsLastHour() == null ? "-" : String.valueOf(status.loadsLastHour()),
                status.loadSecondsLastHour() == null ? "-" : Durations.readable(Duration.ofMillis((long) (status.loadSecondsLastHour() * 1000))),
                Durations.readable(Duration.between(status.heartbeatAt(), now).abs()) + " ago", status.stopped());
    }

    private Map<String, Long> deadLettersLastHour(Instant now) {
        long since = now.minus(Duration.ofHours(1)).toEpochMilli();
        Map<String, Long> byCode = new TreeMap<>();
        TopicScan.readTail(kafka.scanProperties(), List.of(kafka.topics().deadLetters()), RECENT_DEAD_LETTERS, record -> {
            if (record.timestamp() >= since && record.value() != null) {
                try {
                    JsonNode letter = dev.dmap.schemas.MessageCodec.mapper().readTree(record.value());
                    byCode.merge(letter.path("error").path("code").asString("unknown"), 1L, Long::sum);
                } catch (RuntimeException e) {
                    byCode.merge("unreadable", 1L, Long::sum);
                }
            }
        });
        return byCode;
    }

    private static void requireAdmin(boolean admin) {
        if (!admin) {
            throw new ResponseStatusException(HttpStatus.NOT_FOUND, "The fleet page is for admin keys.");
        }
    }
}
