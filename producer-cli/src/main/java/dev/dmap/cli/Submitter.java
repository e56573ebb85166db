package dev.dmap.cli;

import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.BatchStatus;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import me.tongfei.progressbar.ProgressBar;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Publishes a validated batch: each request to its model's topic, keyed by request id, with an
 * idempotent producer, then the batch's state to the batches topic. Creates missing topics.
 */
public final class Submitter {
    private final KafkaOptions kafka;
    private final Clock clock;

    public Submitter(KafkaOptions kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    /**
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
        Instant now = clock.instant();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties());
                ProgressBar bar = progress ? Progress.bar("Submitting", file.requests().size()) : null) {
            AtomicReference<Exception> failure = new AtomicReference<>();
            for (Request request : file.requests()) {
                Request published = request.withBatch(batchId, now, deadline);
                producer.send(new ProducerRecord<>(topics.requests(published.model()), utf8(published.id()),
                        MessageCodec.encode(published)), (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            } else if (bar != null) {
                                bar.step();
                            }
                        });
            }
            producer.flush();
            if (failure.get() != null) {
                throw new CliException(ExitCodes.UNREACHABLE, "publishing failed: " + failure.get().getMessage());
            }
            BatchState state = new BatchState(batchId, BatchStatus.IN_PROGRESS.wire(),
                    new RequestCounts(file.requests().size(), 0, 0), perModel(byModel), file.path().getFileName().toString(),
                    now, 1);
            producer.send(new ProducerRecord<>(topics.batches(), utf8(batchId), MessageCodec.encode(state))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (ExecutionException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "publishing the batch state failed: " + e.getCause().getMessage());
        }
        return new SubmittedBatch(batchId, file.requests().size(), byModel);
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

    private static Map<String, RequestCounts> perModel(Map<String, Long> byModel) {
        Map<String, RequestCounts> counts = new LinkedHashMap<>();
        byModel.forEach((model, total) -> counts.put(model, new RequestCounts(total, 0, 0)));
        return counts;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
