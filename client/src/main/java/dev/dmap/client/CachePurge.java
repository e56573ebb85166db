package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.JsonNode;

/**
 * {@code dmap cache purge}: deletes response cache entries by model, by age or all, by writing a
 * tombstone for each on the compacted cache topic; every worker drops them from its copy as it
 * reads them.
 */
public final class CachePurge {
    /** Which entries go: those of {@code model} (null for any) created before {@code olderThan} (null for any age). */
    public record Selection(String model, Duration olderThan) {
    }

    /** What a purge did: entries it found, and entries it deleted. */
    public record Purged(long entries, long deleted) {
    }

    private final KafkaConnection kafka;
    private final Clock clock;

    public CachePurge(KafkaConnection kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    public Purged purge(Selection selection) {
        kafka.requireReachable();
        Map<String, JsonNode> live = scan();
        Instant cutoff = selection.olderThan() == null ? null : clock.instant().minus(selection.olderThan());
        List<String> doomed = live.entrySet().stream()
                .filter(entry -> selection.model() == null || selection.model().equals(entry.getValue().path("model").asString("")))
                .filter(entry -> cutoff == null || createdBefore(entry.getValue(), cutoff))
                .map(Map.Entry::getKey).toList();
        try (var producer = new KafkaProducer<>(ProducerSettings.idempotent(kafka, 1024), new ByteArraySerializer(),
                new ByteArraySerializer())) {
            for (String key : doomed) {
                producer.send(new ProducerRecord<>(kafka.topics().cache(), key.getBytes(java.nio.charset.StandardCharsets.UTF_8), null));
            }
            producer.flush();
        } catch (KafkaException e) {
            throw KafkaTrouble.explain(e, kafka);
        }
        return new Purged(live.size(), doomed.size());
    }

    private static boolean createdBefore(JsonNode entry, Instant cutoff) {
        try {
            return Instant.parse(entry.path("created_at").asString("")).isBefore(cutoff);
        } catch (RuntimeException e) {
            return true; // an entry without a readable time is as old as can be
        }
    }

    /** The live entries of the cache topic by key: the latest value of each, without the purged ones. */
    private Map<String, JsonNode> scan() {
        Map<String, JsonNode> live = new HashMap<>();
        try (var consumer = new KafkaConsumer<>(kafka.scanProperties(), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(kafka.topics().cache(), kafka.timeout()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, kafka.timeout());
            while (partitions.stream().anyMatch(p -> consumer.position(p, kafka.timeout()) < ends.get(p))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    if (record.key() == null) {
                        continue;
                    }
                    String key = new String(record.key(), java.nio.charset.StandardCharsets.UTF_8);
                    if (record.value() == null) {
                        live.remove(key);
                    } else {
                        live.put(key, MessageCodec.mapper().readTree(record.value()));
                    }
                }
            }
        }
        return live;
    }
}
