package dev.dmap.client;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.WorkerStatus;
import dev.dmap.schemas.kafka.BatchStateRecords;
import dev.dmap.schemas.kafka.TopicScan;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What {@code dmap status} shows, read from Kafka: batch states (or their creation, when no
 * tracker has reported yet), each model's backlog for the workers' group, and the workers.
 *
 * @param batches one row per batch
 * @param models  one row per model topic
 * @param workers the workers heard from in the last minute, and those that stopped on their own in the last hour
 */
public record StatusReport(List<BatchRow> batches, List<ModelRow> models, List<WorkerStatus> workers) {
    static final Duration WORKER_SILENCE = Duration.ofMinutes(1);

    /**
     * A batch.
     *
     * @param batchId       its id
     * @param status        its status (from the tracker), or {@code submitted} before the tracker reports
     * @param outcome       once ended
     * @param total         requests
     * @param completed     succeeded
     * @param failed        failed
     * @param perSecond     requests ended per second since it went in progress
     * @param etaSeconds    estimated seconds to go, or null
     * @param state         the full state, when the tracker has one
     * @param published     whether its requests are all published (false while a submit runs, or after
     *                      one stopped midway: the same submit again publishes them)
     * @param inputFile     the name of the file it was submitted from, if known
     */
    public record BatchRow(String batchId, String status, String outcome, long total, long completed, long failed,
            double perSecond, Long etaSeconds, BatchState state, boolean published, String inputFile) {
        public double progress() {
            return total == 0 ? 0 : (double) (completed + failed) / total;
        }
    }

    /**
     * A model.
     *
     * @param model       its exact id (or topic key until a worker reports it)
     * @param topic       its request topic
     * @param backlog     requests not yet committed by the workers' group
     * @param servedBy    workers that own its partitions
     * @param loadedOn    workers whose backend holds it
     */
    public record ModelRow(String model, String topic, long backlog, List<String> servedBy, List<String> loadedOn) {
    }

    /**
     * Reads the commands, the batches' states and the workers' statuses with one consumer, and the
     * backlog with the admin client meanwhile: each client costs a connection and its metadata.
     */
    public static StatusReport read(KafkaConnection kafka, String group, String onlyBatch, Clock clock) {
        java.util.concurrent.CompletableFuture<Backlog> backlog = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> Backlog.read(kafka, group));
        BatchHistory.Submissions commands = new BatchHistory.Submissions();
        Map<String, BatchState> states = new TreeMap<>();
        Map<String, WorkerStatus> statuses = new TreeMap<>();
        Topics topics = kafka.topics();
        TopicScan.readAll(kafka.scanProperties(), List.of(topics.batchCommands(), topics.batches(), topics.workers()), record -> {
            if (record.topic().equals(topics.batchCommands())) {
                commands.add(record);
            } else if (record.topic().equals(topics.batches())) {
                BatchStateRecords.apply(record, states, BatchStateRecords.Unreadable.SKIP);
            } else {
                workerStatus(record).ifPresent(status -> statuses.put(status.workerId(), status));
            }
        });
        Map<String, BatchHistory.Submission> submissions = commands.byBatch();
        List<BatchRow> batches = new ArrayList<>();
        submissions.forEach((batchId, submission) -> {
            if (onlyBatch == null || onlyBatch.equals(batchId)) {
                BatchRow row = batchRow(submission.created(), states.get(batchId), clock.instant());
                batches.add(submission.published() ? row : unpublished(row, submission.created()));
            }
        });
        List<WorkerStatus> workers = current(statuses, clock.instant());
        return new StatusReport(batches, models(kafka, join(backlog), workers), workers);
    }

    /** The row of a batch whose requests are not published: it is still validating. */
    private static BatchRow unpublished(BatchRow row, BatchCommand created) {
        return new BatchRow(row.batchId(), "validating", row.outcome(), row.total(), row.completed(), row.failed(),
                row.perSecond(), row.etaSeconds(), row.state(), false, created.inputFile());
    }

    private static BatchRow batchRow(BatchCommand command, BatchState state, Instant now) {
        if (state == null) {
            return new BatchRow(command.batchId(), "submitted", null, command.total(), 0, 0, 0, null, null, true,
                    command.inputFile());
        }
        long done = state.requestCounts().done();
        long total = Math.max(state.requestCounts().total(), command.total());
        Instant since = state.inProgressAt() != null ? state.inProgressAt() : state.createdAt();
        Instant until = state.finalizingAt() != null ? state.finalizingAt() : now;
        double seconds = Math.max(0.001, Duration.between(since, until).toMillis() / 1000.0);
        double perSecond = done / seconds;
        Long eta = state.ended() || perSecond <= 0 ? null : Math.round((total - done) / perSecond);
        return new BatchRow(state.batchId(), state.status(), state.outcome(), total, state.requestCounts().completed(),
                state.requestCounts().failed(), perSecond, eta, state, true, command.inputFile());
    }

    /** How long a worker that stopped on its own stays listed, with why. */
    static final Duration STOPPED_SHOWN = Duration.ofHours(1);

    private static java.util.Optional<WorkerStatus> workerStatus(
            org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
        try {
            return java.util.Optional.ofNullable(MessageCodec.decode(record.value(), WorkerStatus.class));
        } catch (RuntimeException e) {
            return java.util.Optional.empty(); // an unreadable status is skipped
        }
    }

    private static Backlog join(java.util.concurrent.CompletableFuture<Backlog> backlog) {
        try {
            return backlog.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause : e;
        }
    }

    /** The workers still heard from, or that stopped on their own within the last hour. */
    private static List<WorkerStatus> current(Map<String, WorkerStatus> latest, Instant now) {
        return latest.values().stream().filter(w -> w.heartbeatAt().isAfter(now.minus(
                w.stopped() == null ? WORKER_SILENCE : STOPPED_SHOWN))).toList();
    }

    /** The request topics and the backlog of each, as the admin client reads them. */
    private record Backlog(List<String> topics, Map<String, Long> byTopic) {
        static Backlog read(KafkaConnection kafka, String group) {
            String prefix = kafka.topics().requestsPrefix();
            try (Admin admin = Admin.create(kafka.adminProperties())) {
                List<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
                        .filter(name -> name.startsWith(prefix)).sorted().toList();
                return new Backlog(topics, backlog(admin, group, topics));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ClientException.Interrupted();
            } catch (Exception e) {
                throw KafkaTrouble.explainIfKafka(e, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                        "cannot read the backlog from Kafka: " + e.getMessage(), null, false, e));
            }
        }
    }

    private static List<ModelRow> models(KafkaConnection kafka, Backlog read, List<WorkerStatus> workers) {
        String prefix = kafka.topics().requestsPrefix();
        List<ModelRow> rows = new ArrayList<>();
        for (String topic : read.topics()) {
            String key = topic.substring(prefix.length());
            String model = workers.stream().flatMap(w -> w.assignedModels().stream())
                    .filter(m -> Topics.modelKey(m).equals(key)).findFirst().orElse(key);
            rows.add(new ModelRow(model, topic, read.byTopic().getOrDefault(topic, 0L),
                    workers.stream().filter(w -> w.assignedModels().contains(model)).map(WorkerStatus::workerId).toList(),
                    workers.stream().filter(w -> w.loadedModels().contains(model)).map(WorkerStatus::workerId).toList()));
        }
        return rows;
    }

    private static Map<String, Long> backlog(Admin admin, String group, List<String> topics) throws Exception {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (var description : admin.describeTopics(topics).allTopicNames().get(15, TimeUnit.SECONDS).values()) {
            description.partitions().forEach(p -> latest.put(new TopicPartition(description.name(), p.partition()),
                    OffsetSpec.latest()));
        }
        var ends = admin.listOffsets(latest).all().get(15, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(15, TimeUnit.SECONDS);
        Map<String, Long> backlog = new HashMap<>();
        ends.forEach((partition, end) -> {
            OffsetAndMetadata offset = committed.get(partition);
            backlog.merge(partition.topic(), Math.max(0, end.offset() - (offset == null ? 0 : offset.offset())), Long::sum);
        });
        return backlog;
    }
}
