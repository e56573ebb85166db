package dev.dmap.client;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.TopicScan;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Dead letters: read them, and once their cause is fixed, publish their originals again ({@link ReplaySelection}'s rules). */
public final class DeadLetters {
    private final KafkaConnection kafka;

    public DeadLetters(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /** The dead letters of a batch (of every batch when null), in the order read. */
    public List<JsonNode> of(String batchId) {
        List<JsonNode> found = new ArrayList<>();
        TopicScan.readAll(kafka.scanProperties(), List.of(kafka.topics().deadLetters()), record -> {
            JsonNode deadLetter = parse(record.value());
            if (deadLetter != null && (batchId == null || batchId.equals(deadLetter.path("batch_id").asString(null)))) {
                found.add(deadLetter);
            }
        });
        return found;
    }

    /** Which of a batch's dead letters (of every batch when null) a replay republishes: only {@code code}'s when not null. */
    public ReplaySelection selectForReplay(String batchId, String code) {
        return ReplaySelection.of(of(batchId), code, requestsWithResult(batchId));
    }

    /** Ids of the batch's requests (of every batch when null) that have a result: a replay that succeeded. */
    private Set<String> requestsWithResult(String batchId) {
        Set<String> ids = new HashSet<>();
        TopicScan.readAll(kafka.scanProperties(), List.of(kafka.topics().results()), record -> {
            JsonNode result = parse(record.value());
            if (result != null && (batchId == null || batchId.equals(result.path("batch_id").asString(null)))) {
                ids.add(result.path("request_id").asString(""));
            }
        });
        return ids;
    }

    /** Publishes the selected originals again to their models' topics, each with its attempt count one higher. */
    public void replay(ReplaySelection selection) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(ProducerSettings.idempotent(kafka, Limits.DEFAULT_MAX_REQUEST_BYTES))) {
            for (JsonNode deadLetter : selection.replay()) {
                JsonNode original = deadLetter.path("original");
                ObjectNode again = ((ObjectNode) original).deepCopy();
                again.put("attempt", original.path("attempt").asInt(1) + 1);
                String requestId = deadLetter.path("request_id").asString();
                producer.send(new ProducerRecord<>(kafka.topics().requests(original.at("/body/model").asString()),
                        requestId.getBytes(StandardCharsets.UTF_8), MessageCodec.encode(again)),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw KafkaTrouble.explain(failure.get(), kafka);
        }
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : MessageCodec.mapper().readTree(value);
        } catch (JacksonException e) {
            return null;
        }
    }
}
