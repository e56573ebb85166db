package dev.dmap.cli;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.WorkerStatus;
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
record StatusReport(List<BatchRow> batches, List<ModelRow> models, List<WorkerStatus> workers) {
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
     * @param finishWith    while its requests are not published (a submit running, or one that stopped
     *                      midway): the command that publishes them; else null
     */
    record BatchRow(String batchId, String status, String outcome, long total, long completed, long failed,
            double perSecond, Long etaSeconds, BatchState state, String finishWith) {
        double progress() {
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
    record ModelRow(String model, String topic, long backlog, List<String> servedBy, List<String> loadedOn) {
    }

    /**
     * Reads the commands, the batches' states and the workers' statuses with one consumer, and the
     * backlog with the admin client meanwhile: each client costs a connection and its metadata.
     */
    static StatusReport read(KafkaOptions kafka, String group, String onlyBatch, Clock clock) {
        java.util.concurrent.CompletableFuture<Backlog> backlog = java.util.concurrent.CompletableFuture
                .supplyAsync(() -> Backlog.read(kafka, group));
        BatchCommands.Submissions commands = new BatchCommands.Submissions();
        BatchCommands.States latest = new BatchCommands.States();
        Map<String, WorkerStatus> statuses = new TreeMap<>();
        dev.dmap.schemas.Topics topics = kafka.topics();
        TopicReader.readAll(kafka, List.of(topics.batchCommands(), topics.batches(), topics.workers()), record -> {
            if (record.topic().equals(topics.batchCommands())) {
                commands.add(record);
            } else if (record.topic().equals(topics.batches())) {
                latest.add(record);
            } else {
                workerStatus(record).ifPresent(status -> statuses.put(status.workerId(), status));
            }
        });
        Map<String, BatchCommands.Submission> submissions = commands.byBatch();
        Map<String, BatchState> states = latest.byBatch;
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

    /** The row of a batch whose requests are not published, with the command that publishes them. */
    private static BatchRow unpublished(BatchRow row, BatchCommand created) {
        String file = created.inputFile() == null ? "FILE.jsonl" : created.inputFile();
        return new BatchRow(row.batchId(), "validating", row.outcome(), row.total(), row.completed(), row.failed(),
                row.perSecond(), row.etaSeconds(), row.state(), "dmap submit " + file + " --batch-id " + row.batchId());
    }

    private static BatchRow batchRow(BatchCommand command, BatchState state, Instant now) {
        if (state == null) {
            return new BatchRow(command.batchId(), "submitted", null, command.total(), 0, 0, 0, null, null, null);
        }
        long done = state.requestCounts().done();
        long total = Math.max(state.requestCounts().total(), command.total());
        Instant since = state.inProgressAt() != null ? state.inProgressAt() : state.createdAt();
        Instant until = state.finalizingAt() != null ? state.finalizingAt() : now;
        double seconds = Math.max(0.001, Duration.between(since, until).toMillis() / 1000.0);
        double perSecond = done / seconds;
        Long eta = state.ended() || perSecond <= 0 ? null : Math.round((total - done) / perSecond);
        return new BatchRow(state.batchId(), state.status(), state.outcome(), total, state.requestCounts().completed(),
                state.requestCounts().failed(), perSecond, eta, state, null);
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
        static Backlog read(KafkaOptions kafka, String group) {
            String prefix = kafka.topics().requestsPrefix();
            try (Admin admin = Admin.create(kafka.adminProperties())) {
                List<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
                        .filter(name -> name.startsWith(prefix)).sorted().toList();
                return new Backlog(topics, backlog(admin, group, topics));
            } catch (Exception e) {
                throw new CliException(ExitCodes.UNREACHABLE, "cannot read the backlog from Kafka: " + e.getMessage());
            }
        }
    }

    private static List<ModelRow> models(KafkaOptions kafka, Backlog read, List<WorkerStatus> workers) {
        String prefix = kafka.topics().requestsPrefix();
        List<ModelRow> rows = new ArrayList<>();
        for (String topic : read.topics()) {
            String key = topic.substring(prefix.length());
            String model = workers.stream().flatMap(w -> w.assignedModels().stream())
                    .filter(m -> dev.dmap.schemas.Topics.modelKey(m).equals(key)).findFirst().orElse(key);
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
