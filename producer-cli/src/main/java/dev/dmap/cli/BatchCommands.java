package dev.dmap.cli;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;

/**
 * What the topics say of batches: their creation commands (written by {@code submit}, so always
 * there) and their latest states (written by the batch tracker in the workers).
 */
final class BatchCommands {
    private BatchCommands() {
    }

    /**
     * How far an earlier submit of a batch got.
     *
     * @param created   its creation command
     * @param published whether every request was published (a submit interrupted midway has not)
     */
    record Submission(BatchCommand created, boolean published) {
    }

    /** The earlier submission of a batch, if it was ever submitted. */
    static Optional<Submission> submission(KafkaOptions kafka, String batchId) {
        BatchCommand[] created = new BatchCommand[1];
        boolean[] published = new boolean[1];
        TopicReader.readAll(kafka, List.of(kafka.topics().batchCommands()), record -> {
            BatchCommand command = decode(record.value(), BatchCommand.class);
            if (command == null || !command.batchId().equals(batchId)) {
                return;
            }
            if (BatchCommand.CREATED.equals(command.type()) && created[0] == null) {
                created[0] = command;
            } else if (BatchCommand.PUBLISHED.equals(command.type())) {
                published[0] = true;
            }
        });
        return Optional.ofNullable(created[0]).map(command -> new Submission(command, published[0]));
    }

    /** The creation command of a batch, if it was ever submitted. */
    static Optional<BatchCommand> created(KafkaOptions kafka, String batchId) {
        return submission(kafka, batchId).map(Submission::created);
    }

    /** Every batch's submission, by batch id. */
    static Map<String, Submission> submissions(KafkaOptions kafka) {
        Submissions submissions = new Submissions();
        TopicReader.readAll(kafka, List.of(kafka.topics().batchCommands()), submissions::add);
        return submissions.byBatch();
    }

    /** Every batch's latest state, by batch id. */
    static Map<String, BatchState> states(KafkaOptions kafka) {
        States states = new States();
        TopicReader.readAll(kafka, List.of(kafka.topics().batches()), states::add);
        return states.byBatch;
    }

    /** Batch submissions gathered from the commands topic, record by record. */
    static final class Submissions {
        private final Map<String, BatchCommand> created = new TreeMap<>();
        private final java.util.Set<String> published = new java.util.HashSet<>();

        void add(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
            BatchCommand command = decode(record.value(), BatchCommand.class);
            if (command != null && BatchCommand.CREATED.equals(command.type())) {
                created.putIfAbsent(command.batchId(), command);
            } else if (command != null && BatchCommand.PUBLISHED.equals(command.type())) {
                published.add(command.batchId());
            }
        }

        Map<String, Submission> byBatch() {
            Map<String, Submission> submissions = new TreeMap<>();
            created.forEach((batchId, command) -> submissions.put(batchId, new Submission(command, published.contains(batchId))));
            return submissions;
        }
    }

    /** Batches' latest states gathered from the compacted batches topic, record by record. */
    static final class States {
        final Map<String, BatchState> byBatch = new TreeMap<>();

        void add(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record) {
            if (record.key() == null) {
                return;
            }
            String batchId = new String(record.key(), StandardCharsets.UTF_8);
            BatchState state = decode(record.value(), BatchState.class);
            if (state == null) {
                byBatch.remove(batchId);
            } else {
                byBatch.put(batchId, state);
            }
        }
    }

    private static <T> T decode(byte[] value, Class<T> type) {
        try {
            return value == null ? null : MessageCodec.decode(value, type);
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }
}
