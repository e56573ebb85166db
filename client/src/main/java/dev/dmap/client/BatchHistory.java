package dev.dmap.client;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.BatchStateRecords;
import dev.dmap.schemas.kafka.TopicScan;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import tools.jackson.core.JacksonException;

/**
 * What the topics say of batches: their creation commands on the commands topic (written by every
 * submit, so always there) and their latest states on the compacted batches topic (written by the
 * batch tracker in the workers). Not to be confused with {@link BatchCommand}, one such command.
 */
public final class BatchHistory {
    private final KafkaConnection kafka;

    public BatchHistory(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /**
     * How far a submit of a batch got.
     *
     * @param created   its creation command
     * @param published whether every request was published (a submit interrupted midway has not)
     */
    public record Submission(BatchCommand created, boolean published) {
        /** Refuses a file other than the one submitted before under this id ({@link ClientException.BatchIdTaken}). */
        void requireSameFile(BatchFile file) {
            boolean sameFile = created.total() != null && created.total() == file.total()
                    && java.util.Objects.equals(created.models(), new TreeMap<>(file.countsByModel()));
            if (!sameFile) {
                throw new ClientException.BatchIdTaken("batch " + created.batchId() + " was submitted before with "
                        + created.total() + " requests (" + created.inputFile() + ")");
            }
        }
    }

    /**
     * The earlier submission of a batch, if it was ever submitted. Commands are keyed by batch id, so
     * only the one partition that holds the batch's commands is read, not the whole topic.
     */
    public Optional<Submission> submission(String batchId) {
        Submissions submissions = new Submissions();
        try {
            TopicScan.readKey(kafka.scanProperties(), kafka.topics().batchCommands(), batchId.getBytes(StandardCharsets.UTF_8),
                    record -> submissions.add(record, batchId));
        } catch (org.apache.kafka.common.KafkaException e) { // a broker away: the library's own error, as elsewhere
            throw KafkaTrouble.explainIfKafka(e, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                    "Kafka did not answer while looking up batch " + batchId + ": " + e.getMessage(), null, false, e));
        }
        return Optional.ofNullable(submissions.byBatch().get(batchId));
    }

    /** The creation command of a batch, if it was ever submitted. */
    public Optional<BatchCommand> created(String batchId) {
        return submission(batchId).map(Submission::created);
    }

    /** Every batch's latest state, by batch id. */
    public Map<String, BatchState> states() {
        Map<String, BatchState> states = new TreeMap<>();
        TopicScan.readAll(kafka.scanProperties(), List.of(kafka.topics().batches()),
                record -> BatchStateRecords.apply(record, states, BatchStateRecords.Unreadable.SKIP));
        return states;
    }

    /** The latest state of one batch, reading only the partition that holds it. */
    public Optional<BatchState> state(String batchId) {
        Map<String, BatchState> states = new TreeMap<>();
        TopicScan.readKey(kafka.scanProperties(), kafka.topics().batches(), batchId.getBytes(StandardCharsets.UTF_8),
                record -> BatchStateRecords.apply(record, states, BatchStateRecords.Unreadable.SKIP));
        return Optional.ofNullable(states.get(batchId));
    }

    /** Batch submissions gathered from the commands topic, record by record. */
    static final class Submissions {
        private final Map<String, BatchCommand> created = new TreeMap<>();
        private final Set<String> published = new HashSet<>();

        void add(ConsumerRecord<byte[], byte[]> record) {
            add(record, null);
        }

        /** Takes the record when it is a command of {@code onlyBatch} (of any batch when null). */
        void add(ConsumerRecord<byte[], byte[]> record, String onlyBatch) {
            BatchCommand command = decode(record.value());
            if (command == null || onlyBatch != null && !onlyBatch.equals(command.batchId())) {
                return;
            }
            if (BatchCommand.CREATED.equals(command.type())) {
                created.putIfAbsent(command.batchId(), command);
            } else if (BatchCommand.PUBLISHED.equals(command.type())) {
                published.add(command.batchId());
            }
        }

        Map<String, Submission> byBatch() {
            Map<String, Submission> submissions = new TreeMap<>();
            created.forEach((batchId, command) -> submissions.put(batchId, new Submission(command, published.contains(batchId))));
            return submissions;
        }
    }

    private static BatchCommand decode(byte[] value) {
        try {
            return value == null ? null : MessageCodec.decode(value, BatchCommand.class);
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }
}
