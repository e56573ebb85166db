package dev.dmap.bench;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.kafka.ConsumerSettings;
import dev.dmap.schemas.kafka.TopicScan;
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
import tools.jackson.databind.JsonNode;

/** Reads a run's results and dead letters until every request has one. */
final class Outcomes {
    private final Map<String, JsonNode> results;
    private final int deadLetters;

    private Outcomes(Map<String, JsonNode> results, int deadLetters) {
        this.results = results;
        this.deadLetters = deadLetters;
    }

    /** Slot occupancy: time in backend calls over {@code slots} x the span from the first start to the last completion. */
    double slotBusy(int slots) {
        double busy = results.values().stream().mapToLong(r -> r.path("timing").path("backend_ms").asLong()).sum() / 1000.0;
        return busy / (slots * workSpan().toNanos() / 1e9);
    }

    /** The result of one request, by its custom id, or null. */
    JsonNode result(String customId) {
        return results.get(customId);
    }

    /** The longest model load any result waited for, in milliseconds. */
    long maxLoadMillis() {
        return results.values().stream().mapToLong(r -> r.path("timing").path("load_ms").asLong()).max().orElse(0);
    }

    int succeeded() {
        return results.size();
    }

    /** Every result and dead letter written so far. */
    static Outcomes readAll(String bootstrapServers, Topics topics) {
        return read(bootstrapServers, topics, null, Integer.MAX_VALUE, Duration.ZERO, null);
    }

    static Outcomes await(String bootstrapServers, Topics topics, int total, Duration giveUp, PrintWriter progress) {
        return await(bootstrapServers, topics, null, total, giveUp, progress);
    }

    /** Of one batch only ({@code batchId}), on topics other runs share; every outcome when null. */
    static Outcomes await(String bootstrapServers, Topics topics, String batchId, int total, Duration giveUp, PrintWriter progress) {
        Outcomes outcomes = read(bootstrapServers, topics, batchId, total, giveUp, progress);
        if (outcomes.results.size() + outcomes.deadLetters < total) {
            throw new IllegalStateException("gave up after " + giveUp + " with " + (outcomes.results.size()
                    + outcomes.deadLetters) + " of " + total + " requests done");
        }
        return outcomes;
    }

    /** Reads until {@code total} outcomes, or until the deadline, or (with a zero wait) to the current end. */
    private static Outcomes read(String bootstrapServers, Topics topics, String batchId, int total, Duration giveUp,
            PrintWriter progress) {
        Map<String, JsonNode> results = new HashMap<>();
        Map<String, JsonNode> failed = new HashMap<>();
        Instant deadline = Instant.now().plus(giveUp);
        Instant nextReport = Instant.now().plusSeconds(15);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ConsumerSettings.readCommittedBytes(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers)))) {
            List<TopicPartition> partitions = TopicScan.assignFromBeginning(consumer, TopicScan.partitionsOf(consumer,
                    List.of(topics.results(), topics.deadLetters()), Duration.ofSeconds(10)));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (results.size() + failed.size() < total && (giveUp.isZero()
                    ? partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) : Instant.now().isBefore(deadline))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode node = MessageCodec.mapper().readTree(record.value());
                    if (batchId != null && !batchId.equals(node.path("batch_id").asString(null))) {
                        continue;
                    }
                    String id = node.path("custom_id").asString("");
                    (record.topic().equals(topics.results()) ? results : failed).putIfAbsent(id, node);
                }
                if (progress != null && Instant.now().isAfter(nextReport)) {
                    progress.printf("    %d of %d done%n", results.size() + failed.size(), total);
                    progress.flush();
                    nextReport = Instant.now().plusSeconds(15);
                }
            }
        }
        return new Outcomes(results, failed.size());
    }

    /** From the first backend call (a completion minus its backend time) to the last completion; model loads excluded. */
    Duration workSpan() {
        return span(false);
    }

    /** From the first request's start (its load wait included) to the last completion: a run's makespan. */
    Duration makespan() {
        return span(true);
    }

    private Duration span(boolean withLoads) {
        Instant first = Instant.MAX;
        Instant last = Instant.MIN;
        for (JsonNode result : results.values()) {
            Instant completed = Instant.parse(result.path("completed_at").asString());
            JsonNode timing = result.path("timing");
            long before = timing.path("backend_ms").asLong() + (withLoads ? timing.path("load_ms").asLong() : 0);
            Instant start = completed.minusMillis(before);
            first = start.isBefore(first) ? start : first;
            last = completed.isAfter(last) ? completed : last;
        }
        return Duration.between(first, last);
    }

    /** When the last outcome of the run was written. */
    Instant lastCompletion() {
        return results.values().stream().map(r -> Instant.parse(r.path("completed_at").asString())).max(Instant::compareTo)
                .orElse(Instant.MIN);
    }

    /** Results answered from the response cache. */
    long cacheHits() {
        return results.values().stream().filter(r -> r.path("cache").path("hit").asBoolean(false)).count();
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
