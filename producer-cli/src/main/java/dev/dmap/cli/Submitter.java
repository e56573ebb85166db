package dev.dmap.cli;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a validated batch: a {@code created} command (its size), each request to its model's
 * topic keyed by request id (deterministic: {@code <batch>:<custom_id>}) with an idempotent
 * producer, then a {@code published} command. Creates missing topics. Submitting a batch id again
 * publishes nothing, unless the earlier submit stopped before its {@code published} command: then
 * it publishes the requests again, and the duplicates are skipped downstream.
 */
public final class Submitter {
    private final KafkaOptions kafka;
    private final Clock clock;

    public Submitter(KafkaOptions kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
     * Publishes the batch, unless a batch with this id was submitted before: then nothing is
     * published again (same file, fully published), the interrupted submit is finished (same file),
     * or the submit is refused (different file).
     *
     * @param deadline when unserved requests expire, or null
     * @param progress whether to draw a progress bar on stderr
     */
    public SubmittedBatch submit(BatchFile file, String batchId, Instant deadline, boolean progress) {
        Topics topics = kafka.topics();
        Map<String, Long> byModel = file.countsByModel();
        try (Admin admin = Admin.create(kafka.clientProperties())) {
            kafka.requireReachable(admin);
            TopicSetup.ensure(admin, topics, byModel.keySet());
        }
        Optional<BatchCommands.Submission> earlier = BatchCommands.submission(kafka, batchId);
        if (earlier.isPresent()) {
            BatchCommand created = earlier.get().created();
            requireSameFile(created, file, byModel);
            if (earlier.get().published()) {
                return new SubmittedBatch(batchId, file.requests().size(), byModel, SubmittedBatch.Publication.NONE);
            }
            // the earlier submit stopped midway: publish it all again, as it was; workers skip
            // the ids already taken, and the batch tracker counts each request once
            publish(file, batchId, created.at(), created.expiresAt(), progress, null);
            return new SubmittedBatch(batchId, file.requests().size(), byModel, SubmittedBatch.Publication.RESUMED);
        }
        Instant now = clock.instant();
        publish(file, batchId, now, deadline, progress, BatchCommand.created(batchId, file.requests().size(), byModel,
                file.path().getFileName().toString(), deadline, now));
        return new SubmittedBatch(batchId, file.requests().size(), byModel, SubmittedBatch.Publication.ALL);
    }

    /** Publishes the creation command (unless null), every request, then the published command. */
    private void publish(BatchFile file, String batchId, Instant submittedAt, Instant deadline, boolean progress,
            BatchCommand created) {
        Topics topics = kafka.topics();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties());
                ProgressBar bar = progress ? Progress.bar("Submitting", file.requests().size()) : null) {
            if (created != null) {
                command(producer, created);
            }
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (Request request : file.requests()) {
                Request published = request.withBatch(batchId, submittedAt, deadline);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.requests(published.model()),
                        utf8(published.id()), MessageCodec.encode(published));
                record.headers().add(TraceContext.HEADER, utf8(TraceContext.newTraceparent()));
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else if (bar != null) {
                        bar.step();
                    }
                });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new CliException(ExitCodes.UNREACHABLE, "publishing failed: " + failure.get().getMessage()
                        + "; run the same submit again to finish it");
            }
            command(producer, BatchCommand.published(batchId, clock.instant()));
        }
    }

    /** Publishes a batch command and waits for the broker to have it. */
    public void command(BatchCommand command) {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            command(producer, command);
        }
    }

    private void command(KafkaProducer<byte[], byte[]> producer, BatchCommand command) {
        try {
            producer.send(new ProducerRecord<>(kafka.topics().batchCommands(), utf8(command.batchId()),
                    MessageCodec.encode(command))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "publishing the batch command failed: " + e.getCause().getMessage());
        }
    }

    private static void requireSameFile(BatchCommand earlier, BatchFile file, Map<String, Long> byModel) {
        boolean sameFile = earlier.total() != null && earlier.total() == file.requests().size()
                && java.util.Objects.equals(earlier.models(), new java.util.TreeMap<>(byModel));
        if (!sameFile) {
            throw new CliException(ExitCodes.INVALID_INPUT, "batch " + earlier.batchId() + " was submitted before with "
                    + earlier.total() + " requests (" + earlier.inputFile() + "); choose another --batch-id");
        }
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        // One request in flight per connection: with several, a request to a just-created partition
        // can fail NOT_LEADER while the next one succeeds, and the first then spins on
        // OUT_OF_ORDER_SEQUENCE_NUMBER until it expires: silent loss (KAFKA-15591, fixed after 4.1).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
