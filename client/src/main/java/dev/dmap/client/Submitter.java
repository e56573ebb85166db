package dev.dmap.client;

import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.BatchCommand;
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
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.ProducerFencedException;

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
 *
 * <p>Whether a batch was submitted before is read from the one partition of the commands topic
 * that holds the batch's commands ({@link BatchHistory#submission}), not from the whole topic.
 */
public final class Submitter {
    /** The broker aborts a submit's transaction that stays open longer than this: how long a submit may take to publish. */
    public static final Duration TRANSACTION_TIMEOUT = ProducerSettings.TRANSACTION_TIMEOUT;
    /** A submit's transactional id is this and the batch id (ACLs: Write and Describe on the prefix). */
    public static final String TRANSACTIONAL_ID_PREFIX = "dmap-submit-";

    private final KafkaConnection kafka;
    private final Clock clock;
    private final int maxRequestBytes;
    private final Function<Map<String, Object>, Producer<byte[], byte[]>> producers;

    /** With the default size limit, {@link Limits#DEFAULT_MAX_REQUEST_BYTES}. */
    public Submitter(KafkaConnection kafka, Clock clock) {
        this(kafka, clock, Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    /** @param maxRequestBytes the request size limit: sizes the producer's records and the request topics */
    public Submitter(KafkaConnection kafka, Clock clock, int maxRequestBytes) {
        this(kafka, clock, maxRequestBytes, KafkaProducer::new);
    }

    /** @param producers makes the producer from its properties (tests inject faults around a real one) */
    Submitter(KafkaConnection kafka, Clock clock, int maxRequestBytes, Function<Map<String, Object>, Producer<byte[], byte[]>> producers) {
        this.kafka = kafka;
        this.clock = clock;
        this.maxRequestBytes = Limits.requirePositive(maxRequestBytes);
        this.producers = producers;
    }

    /**
     * What a submit adds to the file's lines.
     *
     * @param deadline     when unserved requests expire, or null
     * @param priority     the priority of every line that has none of its own (0), or null
     * @param servedModels the models the fleet serves, or null to publish every line: a line naming another
     *                     model is not published to a request topic (none is created for it) but ends at once,
     *                     in the same transaction, as a {@code model_not_found} dead letter
     * @param maxPriority  the highest priority a line may have (a higher one is lowered to it), or null for any
     * @param cache        the response cache's use for lines without their own {@code cache} field, or null
     */
    public record Options(Instant deadline, Integer priority, Set<String> servedModels, Integer maxPriority,
            CacheControl cache) {
        /** No deadline, the lines' own priorities, every line published. */
        public static final Options NONE = new Options(null, null, null, null);

        public Options(Instant deadline, Integer priority) {
            this(deadline, priority, null, null);
        }

        public Options(Instant deadline, Integer priority, Set<String> servedModels, Integer maxPriority) {
            this(deadline, priority, servedModels, maxPriority, null);
        }

        /** The same options with the batch's cache use. */
        public Options withCache(CacheControl newCache) {
            return new Options(deadline, priority, servedModels, maxPriority, newCache);
        }

        boolean serves(String model) {
            return servedModels == null || servedModels.contains(model);
        }
    }

    /** {@link #submit(BatchFile, String, Options, ProgressListener)} without a deadline, priority or progress. */
    public SubmittedBatch submit(BatchFile file, String batchId) {
        return submit(file, batchId, Options.NONE, ProgressListener.NONE);
    }

    /**
     * Publishes the batch, unless a batch with this id was submitted before: then nothing is
     * published again (same file, fully published), the interrupted submit is finished (same file),
     * or the submit is refused with {@link ClientException.BatchIdTaken} (different file).
     *
     * @param progress hears how many requests the broker has taken
     */
    public SubmittedBatch submit(BatchFile file, String batchId, Options options, ProgressListener progress) {
        Map<String, Long> byModel = file.countsByModel();
        try (Admin admin = Admin.create(kafka.adminProperties())) {
            kafka.requireReachable(admin);
            TopicSetup.ensure(admin, kafka, byModel.keySet().stream().filter(options::serves).toList(), maxRequestBytes);
        }
        Optional<BatchHistory.Submission> earlier = new BatchHistory(kafka).submission(batchId);
        if (earlier.isPresent()) {
            BatchCommand created = earlier.get().created();
            earlier.get().requireSameFile(file);
            if (earlier.get().published()) {
                return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.NONE);
            }
            // the earlier submit stopped before its transaction committed: none of its requests is
            // visible, so publish them all again, as they were
            publish(file, new SubmitEnvelope(batchId, created.at(), created.expiresAt(), options), progress, null);
            return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.RESUMED);
        }
        Instant now = clock.instant();
        publish(file, new SubmitEnvelope(batchId, now, options.deadline(), options), progress, BatchCommand.created(batchId,
                file.total(), byModel, file.path().getFileName().toString(), options.deadline(), now));
        return new SubmittedBatch(batchId, file.total(), byModel, SubmittedBatch.Publication.ALL);
    }

    /** Publishes the creation command (unless null) on its own, then every request and the published command in one transaction. */
    private void publish(BatchFile file, SubmitEnvelope envelope, ProgressListener progress, BatchCommand created) {
        String batchId = envelope.batchId();
        Producer<byte[], byte[]> producer = producers.apply(ProducerSettings.transactional(kafka, maxRequestBytes,
                TRANSACTIONAL_ID_PREFIX + batchId));
        try {
            producer.initTransactions();
            if (created != null) {
                producer.beginTransaction();
                BatchCommandRecords.send(kafka, producer, created);
                producer.commitTransaction();
            }
            producer.beginTransaction();
            sendRequests(producer, file, envelope, progress);
            producer.send(BatchCommandRecords.of(kafka, BatchCommand.published(batchId, clock.instant())));
            producer.commitTransaction();
        } catch (ProducerFencedException e) {
            throw new ClientException.SubmitTakenOver("another submit of batch " + batchId + " took over from this one "
                    + "(it fenced this producer)");
        } catch (KafkaException | ClientException e) {
            abortQuietly(producer);
            throw failed(batchId, e);
        } finally {
            // bounded: close() without a timeout waits for ever to abort an open transaction while the
            // coordinator is away (found by the chaos run: a submit hung for 19 minutes)
            producer.close(ProducerSettings.CLOSE_WITHIN);
        }
    }

    private void sendRequests(Producer<byte[], byte[]> producer, BatchFile file, SubmitEnvelope envelope, ProgressListener progress) {
        Topics topics = kafka.topics();
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong sent = new AtomicLong();
        RequestPlacement placement = new RequestPlacement();
        progress.started(file.total());
        try {
            file.forEachRequest(request -> {
                Request published = envelope.of(request);
                String topic = topics.requests(published.model());
                ProducerRecord<byte[], byte[]> record = envelope.options().serves(published.model())
                        ? new ProducerRecord<>(topic, placement.partition(producer, topic, published),
                                utf8(published.id()), MessageCodec.encode(published))
                        : UnservedModel.deadLetter(topics, published, clock.instant());
                record.headers().add(Traceparent.HEADER, utf8(Traceparent.random().toString()));
                producer.send(record, (metadata, error) -> {
                    if (error != null) {
                        failure.compareAndSet(null, error);
                    } else {
                        progress.advanced(sent.incrementAndGet());
                    }
                });
            });
            producer.flush();
        } finally {
            progress.finished();
        }
        if (failure.get() != null) {
            throw new KafkaException(failure.get().getMessage(), failure.get());
        }
    }

    private ClientException failed(String batchId, RuntimeException error) {
        if (error instanceof ClientException.InvalidInput || error instanceof ClientException.Interrupted) {
            return (ClientException) error; // the file changed meanwhile, or the caller stopped: not Kafka's doing
        }
        ClientException kafkaFailure = KafkaTrouble.explainIfKafka(error, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                String.valueOf(error.getMessage()), null, false, error));
        return new ClientException.PublishFailed(batchId, kafkaFailure);
    }

    private static void abortQuietly(Producer<byte[], byte[]> producer) {
        try {
            producer.abortTransaction();
        } catch (RuntimeException e) {
            // nothing more to do: the broker aborts it after TRANSACTION_TIMEOUT, and the next submit
            // of the batch fences this producer and aborts it at once
        }
    }

    /** Publishes a batch command (a cancel) with an idempotent producer, and waits for the broker to have it. */
    public void command(BatchCommand command) {
        Producer<byte[], byte[]> producer = producers.apply(ProducerSettings.idempotent(kafka, maxRequestBytes));
        try {
            BatchCommandRecords.send(kafka, producer, command);
        } finally {
            producer.close(ProducerSettings.CLOSE_WITHIN);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
