package dev.dmap.local.bench;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import tools.jackson.databind.JsonNode;

/** Reads a run's results and dead letters until every request has one. */
final class Outcomes {
    private final Map<String, JsonNode> results;
    private final int deadLetters;

    private Outcomes(Map<String, JsonNode> results, int deadLetters) {
        this.results = results;
        this.deadLetters = deadLetters;
    }

    static Outcomes await(String bootstrapServers, Topics topics, int total, Duration giveUp, PrintWriter progress) {
        Map<String, JsonNode> results = new HashMap<>();
        Map<String, JsonNode> failed = new HashMap<>();
        Instant deadline = Instant.now().plus(giveUp);
        Instant nextReport = Instant.now().plusSeconds(15);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : List.of(topics.results(), topics.deadLetters())) {
                consumer.partitionsFor(topic, Duration.ofSeconds(10))
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (results.size() + failed.size() < total && Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode node = MessageCodec.mapper().readTree(record.value());
                    String id = node.path("custom_id").asString("");
                    (record.topic().equals(topics.results()) ? results : failed).putIfAbsent(id, node);
                }
                if (Instant.now().isAfter(nextReport)) {
                    progress.printf("    %d of %d done%n", results.size() + failed.size(), total);
                    progress.flush();
                    nextReport = Instant.now().plusSeconds(15);
                }
            }
        }
        if (results.size() + failed.size() < total) {
            throw new IllegalStateException("gave up after " + giveUp + " with " + (results.size() + failed.size())
                    + " of " + total + " requests done");
        }
        return new Outcomes(results, failed.size());
    }

    /** From the first request's start (its completion minus its backend and load time) to the last completion. */
    Duration workSpan() {
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (JsonNode result : results.values()) {
            Instant completed = Instant.parse(result.path("completed_at").asString());
            JsonNode timing = result.path("timing");
            Instant start = completed.minusMillis(timing.path("backend_ms").asLong() + timing.path("load_ms").asLong());
            first = start.isBefore(first) ? start : first;
            last = completed.isAfter(last) ? completed : last;
        }
        return Duration.between(first, last);
    }

    int deadLetters() {
        return deadLetters;
    }

    List<Measurement> measurements(Map<String, Instant> submitted) {
        List<Measurement> measurements = new ArrayList<>();
        results.forEach((id, result) -> {
            Instant submittedAt = submitted.get(id);
            JsonNode timing = result.path("timing");
            Instant started = submittedAt.plusMillis(timing.path("queued_ms").asLong());
            measurements.add(new Measurement(id, result.path("model").asString(), result.path("worker").asString(),
                    submittedAt, started, started.plusMillis(timing.path("load_ms").asLong()),
                    Instant.parse(result.path("completed_at").asString()), timing.path("backend_ms").asLong()));
        });
        return measurements;
    }
}
