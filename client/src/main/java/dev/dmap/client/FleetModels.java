package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.WorkerStatus;
import dev.dmap.schemas.kafka.TopicScan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The models the fleet serves now: those the backends of the workers heard from in the last minute
 * list as available, read from the compacted workers topic. A front end checks a batch's models
 * against it before anything is published, so that a batch naming models nobody serves creates no
 * topic.
 */
public final class FleetModels {
    /** A worker not heard from for this long is gone (as {@code dmap status} counts them). */
    static final Duration SILENCE = StatusReport.WORKER_SILENCE;
    private final KafkaConnection kafka;
    private final Clock clock;

    public FleetModels(KafkaConnection kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
     * The models the live workers' backends offer; empty when no live worker has said (none runs, or
     * all are older than the field): then nobody can tell which models the fleet serves.
     */
    public Optional<Set<String>> served() {
        return served(workers(), clock.instant());
    }

    /**
     * Every worker's latest status, live or not, by worker id.
     *
     * @throws ClientException when Kafka does not answer (a metadata timeout, an unreachable cluster)
     */
    public List<WorkerStatus> workers() {
        Map<String, WorkerStatus> latest = new TreeMap<>();
        try {
            read(latest);
        } catch (org.apache.kafka.common.KafkaException e) { // found by the chaos run: it escaped and failed a gateway's batch
            throw KafkaTrouble.explain(e, kafka);
        }
        return List.copyOf(latest.values());
    }

    private void read(Map<String, WorkerStatus> latest) {
        TopicScan.readAll(kafka.scanProperties(), List.of(kafka.topics().workers()), record -> {
            try {
                WorkerStatus status = record.value() == null ? null : MessageCodec.decode(record.value(), WorkerStatus.class);
                if (status != null) {
                    latest.put(status.workerId(), status);
                }
            } catch (RuntimeException e) {
                // an unreadable status is skipped, as dmap status skips it
            }
        });
    }

    /** Whether a worker with this latest status runs now: it has not stopped and was heard from within the last minute. */
    public static boolean live(WorkerStatus status, Instant now) {
        return status.stopped() == null && status.heartbeatAt().isAfter(now.minus(SILENCE));
    }

    /** A worker's in-flight window per model, {@code model=N, ...} by model; "-" from a worker that does not say. */
    public static String windows(WorkerStatus status) {
        if (status.windows() == null || status.windows().isEmpty()) {
            return "-";
        }
        return status.windows().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(entry -> entry.getKey() + "=" + entry.getValue()).collect(java.util.stream.Collectors.joining(", "));
    }

    static Optional<Set<String>> served(Iterable<WorkerStatus> statuses, Instant now) {
        Set<String> models = new TreeSet<>();
        boolean anyKnows = false;
        for (WorkerStatus status : statuses) {
            if (live(status, now) && status.availableModels() != null) {
                anyKnows = true;
                models.addAll(status.availableModels());
            }
        }
        return anyKnows ? Optional.of(models) : Optional.empty();
    }
}
