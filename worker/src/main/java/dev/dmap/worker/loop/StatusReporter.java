package dev.dmap.worker.loop;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.WorkerStatus;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.kafka.ClientProperties;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds this worker's status for the compacted workers topic every few seconds: what its
 * backend holds, what it serves and owns, how busy it is. {@code dmap status} reads it.
 */
final class StatusReporter {
    private static final Logger log = LoggerFactory.getLogger(StatusReporter.class);
    private static final Duration LAST_STATUS_TIMEOUT = Duration.ofSeconds(10);
    static final Duration INTERVAL = Duration.ofSeconds(5);

    /**
     * What the status is built from.
     *
     * @param workerId     this worker
     * @param groupId      its group
     * @param backendUrl   its backend
     * @param strategy     its dispatch strategy, lower case
     * @param loadedModels what its backend holds now
     * @param availableModels what its backend can load or serve (its last listing)
     * @param modelLoads   loads since start
     * @param loadsLastHour the loads of the last hour and the time they took
     */
    record Identity(String workerId, String groupId, String backendUrl, String strategy,
            Supplier<Set<String>> loadedModels, Supplier<Set<String>> availableModels, Supplier<Long> modelLoads,
            Supplier<dev.dmap.worker.backend.LoadHistory.Summary> loadsLastHour) {
    }

    private final Identity identity;
    private final Clock clock;
    private Instant last = Instant.EPOCH;

    StatusReporter(Identity identity, Clock clock) {
        this.identity = identity;
        this.clock = clock;
    }

    /** The status to publish, when one is due. */
    Optional<WorkerStatus> reportIfDue(Set<TopicPartition> owned, Dispatcher dispatcher, boolean backendDown,
            Function<String, String> modelOfTopic) {
        Instant now = clock.instant();
        if (now.isBefore(last.plus(INTERVAL))) {
            return Optional.empty();
        }
        last = now;
        return Optional.of(status(owned, dispatcher, backendDown, modelOfTopic, null));
    }

    /** The last status of a worker that stops because it cannot go on, saying why. */
    WorkerStatus stopped(Set<TopicPartition> owned, Dispatcher dispatcher, boolean backendDown,
            Function<String, String> modelOfTopic, String why) {
        return status(owned, dispatcher, backendDown, modelOfTopic, why);
    }

    private WorkerStatus status(Set<TopicPartition> owned, Dispatcher dispatcher, boolean backendDown,
            Function<String, String> modelOfTopic, String stopped) {
        Instant now = clock.instant();
        Set<String> assigned = new TreeSet<>();
        owned.forEach(partition -> {
            String model = modelOfTopic.apply(partition.topic());
            assigned.add(model != null ? model : Topics.servedModelKey(partition.topic()));
        });
        dev.dmap.worker.backend.LoadHistory.Summary lastHour = identity.loadsLastHour().get();
        return new WorkerStatus(identity.workerId(), identity.groupId(), identity.backendUrl(),
                identity.strategy(), new TreeSet<>(identity.loadedModels().get()).stream().toList(),
                new TreeSet<>(dispatcher.servingModels()).stream().toList(), assigned.stream().toList(),
                dispatcher.totalInFlight(), dispatcher.waiting(), identity.modelLoads().get(), !backendDown, now, stopped, 1,
                new TreeSet<>(identity.availableModels().get()).stream().toList(), lastHour.loads(),
                lastHour.loading().toMillis() / 1000.0, dispatcher.earliestDeadlines(),
                dispatcher.windows(union(dispatcher.servingModels(), identity.loadedModels().get())));
    }

    private static Set<String> union(java.util.Collection<String> a, java.util.Collection<String> b) {
        Set<String> all = new TreeSet<>(a);
        all.addAll(b);
        return all;
    }

    /**
     * Best effort: the last status of a worker that stops says why, so {@code dmap status} shows
     * it. Sent with a plain producer of its own: the transactional one may be the reason it stops.
     */
    static void sendLast(KafkaSettings settings, ProducerRecord<byte[], byte[]> record, String workerId) {
        try (var producer = new KafkaProducer<byte[], byte[]>(ClientProperties.producer(settings, workerId + "-last-status",
                Limits.DEFAULT_MAX_REQUEST_BYTES))) {
            producer.send(record).get(LAST_STATUS_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            log.debug("Could not publish the stopped status: {}", e.toString());
        }
    }
}
