package dev.dmap.cli;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.Traceparent;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a validated batch in two steps. First the {@code created} command (its size, its
 * file), on its own, so that {@code dmap status} shows the batch from then on. Then every request,
 * to its model's topic keyed by request id ({@code <batch>:<custom_id>}), and the {@code published}
 * command, all in ONE Kafka transaction: a {@code read_committed} reader (every worker, the batch
 * tracker) sees all of them or none. A submit that fails or dies midway leaves a batch that stays
 * {@code validating} with nothing of it visible; running the same submit again publishes it all in
 * a fresh transaction, and nothing is ever delivered twice.
 *
 * <p>The transactional id is {@code dmap-submit-<batch id>}: a second submit of the same batch
 * fences the first (its open transaction is aborted), so two submits never both publish.
 */
public final class Submitter {
    /**
     * The broker aborts a submit's transaction that stays open longer than this: the upper bound of
     * the time a submit may take to publish (the broker's default {@code transaction.max.timeout.ms}).
     */
    public static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    /** A submit's transactional id is this and the batch id (ACLs: Write and Describe on the prefix). */
    public static final String TRANSACTIONAL_ID_PREFIX = "dmap-submit-";

    private final KafkaOptions kafka;
    private final Clock clock;
    private final int maxRequestBytes;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;

    /** With the default size limit, {@link Limits#DEFAULT_MAX_REQUEST_BYTES}. */
    public Submitter(KafkaOptions kafka, Clock clock) {
        this(kafka, clock, Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    /** @param maxRequestBytes the request size limit: sizes the producer's records and the request topics */
    public Submitter(KafkaOptions kafka, Clock clock, int maxRequestBytes) {
        this(kafka, clock, maxRequestBytes, KafkaProducer::new);
    }

    /** @param producers makes the producer from its properties (tests inject faults around a real one) */
    Submitter(KafkaOptions kafka, Clock clock, int maxRequestBytes, Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
        this.kafka = kafka;
        this.clock = clock;
        this.maxRequestBytes = Limits.requirePositive(maxRequestBytes);
        this.producers = producers;
    }

    /**
     * Publishes the batch, unless a batch with this id was submitted before: then nothing is
     * published again (same file, fully published), the interrupted submit is finished (same file),
     * or the submit is refused (different file).
     *
     * @param deadline when unserved requests expire, or null
     * @param progress whether to show progress on stderr
     */
    public SubmittedBatch submit(BatchFile file, String batchId, Instant deadline, boolean progress) {
        return submit(file, batchId, deadline, null, progress);
    }

    /**
     * As {@link #submit(BatchFile, String, Instant, boolean)}, with a batch priority.
     *
     * @param priority the priority of every line that has none of its own (0), or null
     */
    public SubmittedBatch submit(BatchFile file, String batchId, Instant deadline, Integer priority, boolean progress) {
        Map<String, Long> byModel = file.countsByModel();
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            kafka.requireReachable(admin);
            TopicSetup.ensure(admin, kafka.topics(), byModel.keySet(), maxRequestBytes);
        }
        Optional<BatchCommands.Submission> earlier = BatchCommands.submission(kafka, batchId);
        if (earlier.isPresent()) {
            BatchCommand created = earlier.get().created();
            requireSameFile(created, file, byModel);
            if (earlier.get().published()) {
                return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.NONE);
            }
            // the earlier submit stopped before its transaction committed: none of its requests is
            // visible, so publish them all again, as they were
            publish(file, new Envelope(batchId, created.at(), created.expiresAt(), priority), progress, null);
            return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.RESUMED);
        }
        Instant now = clock.instant();
        publish(file, new Envelope(batchId, now, deadline, priority), progress, BatchCommand.created(batchId, file.total(),
                byModel, file.path().getFileName().toString(), deadline, now));
        return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.ALL);
    }

    /**
     * What submit adds to each line: the batch, its times, and a priority.
     *
     * @param priority the priority of lines without their own, or null
     */
    private record Envelope(String batchId, Instant submittedAt, Instant deadline, Integer priority) {
        Request of(Request line) {
            Request published = line.withBatch(batchId, submittedAt, deadline);
            return priority != null && line.priority() == 0 ? published.withPriority(priority) : published;
        }
    }

    /** Publishes the creation command (unless null) on its own, then every request and the published command in one transaction. */
    private void publish(BatchFile file, Envelope envelope, boolean progress, BatchCommand created) {
        String batchId = envelope.batchId();
        try (Producer<byte[], byte[]> producer = producers.apply(transactionalProperties(batchId))) {
            try {
                producer.initTransactions();
                if (created != null) {
                    producer.beginTransaction();
                    command(producer, created);
                    producer.commitTransaction();
                }
                producer.beginTransaction();
                sendRequests(producer, file, envelope, progress);
                producer.send(commandRecord(BatchCommand.published(batchId, clock.instant())));
                producer.commitTransaction();
            } catch (ProducerFencedException e) {
                throw new CliException(ExitCodes.INTERNAL, "another submit of batch " + batchId + " took over from this one "
                        + "(it fenced this producer); follow it with: dmap status " + batchId);
            } catch (KafkaException | CliException e) {
                abortQuietly(producer);
                throw failed(file, batchId, e);
            }
        }
    }

    private void sendRequests(Producer<byte[], byte[]> producer, BatchFile file, Envelope envelope, boolean progress) {
        Topics topics = kafka.topics();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        try (Progress bar = Progress.open("Submitting", file.total(), progress)) {
            file.forEachRequest(request -> {
                Request published = envelope.of(request);
                ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topics.requests(published.model()),
                        utf8(published.id()), MessageCodec.encode(published));
                record.headers().add(Traceparent.HEADER, utf8(Traceparent.random().toString()));
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        bar.stepTo(sent.incrementAndGet());
                    }
                });
            });
            producer.flush();
        }
        if (failure.get() != null) {
            throw new KafkaException(failure.get().getMessage(), failure.get());
        }
    }

    private CliException failed(BatchFile file, String batchId, RuntimeException error) {
        CliException known = KafkaFailures.explainIfKafka(error, kafka);
        if (known != null && known.exitCode() == ExitCodes.INTERRUPTED) {
            return known;
        }
        String cause = known != null ? known.getMessage() : String.valueOf(error.getMessage());
        return new CliException(ExitCodes.UNREACHABLE, "publishing batch " + batchId + " failed: " + cause
                + ". Nothing of it is visible to workers (its transaction was not committed). Finish it by running the same "
                + "submit again: dmap submit " + file.path() + " --batch-id " + batchId);
    }

    private static void abortQuietly(Producer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // nothing more to do: the broker aborts it after TRANSACTION_TIMEOUT, and the next submit
            // of the batch fences this producer and aborts it at once
        }
    }

    /** Publishes a batch command (cancel) with an idempotent producer, and waits for the broker to have it. */
    public void command(BatchCommand command) {
        try (Producer<byte[], byte[]> producer = producers.apply(producerProperties())) {
            command(producer, command);
        }
    }

    private void command(Producer<byte[], byte[]> producer, BatchCommand command) {
        try {
            producer.send(commandRecord(command)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            CliException known = KafkaFailures.explainIfKafka(e.getCause(), kafka);
            throw known != null ? known
                    : new CliException(ExitCodes.UNREACHABLE, "publishing the batch command failed: " + e.getCause().getMessage());
        }
    }

    private ProducerRecord<byte[], byte[]> commandRecord(BatchCommand command) {
        return new ProducerRecord<>(kafka.topics().batchCommands(), utf8(command.batchId()), MessageCodec.encode(command));
    }

    private static void requireSameFile(BatchCommand earlier, BatchFile file, Map<String, Long> byModel) {
        boolean sameFile = earlier.total() != null && earlier.total() == file.total()
                && java.util.Objects.equals(earlier.models(), new java.util.TreeMap<>(byModel));
        if (!sameFile) {
            throw new CliException(ExitCodes.INVALID_INPUT, "batch " + earlier.batchId() + " was submitted before with "
                    + earlier.total() + " requests (" + earlier.inputFile() + "); choose another --batch-id");
        }
    }

    /** The producer of one batch's submit: transactional, its records sized for the request limit. */
    Map<String, Object> transactionalProperties(String batchId) {
        Map<String, Object> props = producerProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, TRANSACTIONAL_ID_PREFIX + batchId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        return props;
    }

    private Map<String, Object> producerProperties() {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.recordBytes(maxRequestBytes));
        // the limit's records must fit the producer's buffer, with room for the next ones
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 4L * Limits.recordBytes(maxRequestBytes)));
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
