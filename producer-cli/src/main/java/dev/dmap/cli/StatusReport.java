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

    static StatusReport read(KafkaOptions kafka, String group, String onlyBatch, Clock clock) {
        Map<String, BatchCommands.Submission> submissions = BatchCommands.submissions(kafka);
        Map<String, BatchState> states = BatchCommands.states(kafka);
        List<BatchRow> batches = new ArrayList<>();
        submissions.forEach((batchId, submission) -> {
            if (onlyBatch == null || onlyBatch.equals(batchId)) {
                BatchRow row = batchRow(submission.created(), states.get(batchId), clock.instant());
                batches.add(submission.published() ? row : unpublished(row, submission.created()));
            }
        });
        List<WorkerStatus> workers = workers(kafka, clock.instant());
        return new StatusReport(batches, models(kafka, group, workers), workers);
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

    private static List<WorkerStatus> workers(KafkaOptions kafka, Instant now) {
        Map<String, WorkerStatus> latest = new TreeMap<>();
        TopicReader.readAll(kafka, List.of(kafka.topics().workers()), record -> {
            try {
                WorkerStatus status = MessageCodec.decode(record.value(), WorkerStatus.class);
                latest.put(status.workerId(), status);
            } catch (RuntimeException e) {
                // an unreadable status is skipped
            }
        });
        return latest.values().stream().filter(w -> w.heartbeatAt().isAfter(now.minus(
                w.stopped() == null ? WORKER_SILENCE : STOPPED_SHOWN))).toList();
    }

    private static List<ModelRow> models(KafkaOptions kafka, String group, List<WorkerStatus> workers) {
        String prefix = kafka.topics().requestsPrefix();
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            List<String> topics = admin.listTopics().names().get(15, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(prefix)).sorted().toList();
            Map<String, Long> backlog = backlog(admin, group, topics);
            List<ModelRow> rows = new ArrayList<>();
            for (String topic : topics) {
                String key = topic.substring(prefix.length());
                String model = workers.stream().flatMap(w -> w.assignedModels().stream())
                        .filter(m -> dev.dmap.schemas.Topics.modelKey(m).equals(key)).findFirst().orElse(key);
                rows.add(new ModelRow(model, topic, backlog.getOrDefault(topic, 0L),
                        workers.stream().filter(w -> w.assignedModels().contains(model)).map(WorkerStatus::workerId).toList(),
                        workers.stream().filter(w -> w.loadedModels().contains(model)).map(WorkerStatus::workerId).toList()));
            }
            return rows;
        } catch (Exception e) {
            throw new CliException(ExitCodes.UNREACHABLE, "cannot read the backlog from Kafka: " + e.getMessage());
        }
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
