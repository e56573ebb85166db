package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.TopicScan;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * How long the fleet's backends took lately to serve one request of each model: the mean of
 * {@code timing.backend_ms} over the most recent results (the last {@link #RECENT_PER_PARTITION} of
 * each partition of the results topic), cache hits left out, as they cost no backend time.
 */
public final class ServiceTimes {
    /** Results read per partition: recent enough to follow the fleet, many enough to average. */
    static final int RECENT_PER_PARTITION = 500;
    private final KafkaConnection kafka;

    public ServiceTimes(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /**
     * The mean backend time of one request by model, for the models with a recent result; empty when none has.
     *
     * @throws ClientException when Kafka does not answer
     */
    public Map<String, Duration> recent() {
        Map<String, long[]> sums = new TreeMap<>();
        try {
            read(sums);
        } catch (org.apache.kafka.common.KafkaException e) {
            throw KafkaTrouble.explain(e, kafka);
        }
        Map<String, Duration> means = new TreeMap<>();
        sums.forEach((model, sum) -> means.put(model, Duration.ofMillis(sum[0] / sum[1])));
        return means;
    }

    private void read(Map<String, long[]> sums) {
        TopicScan.readTail(kafka.scanProperties(), List.of(kafka.topics().results()), RECENT_PER_PARTITION, record -> {
            JsonNode result = parse(record.value());
            if (result == null || result.path("cache").path("hit").asBoolean(false) || !result.path("model").isString()
                    || !result.path("timing").path("backend_ms").isNumber()) {
                return;
            }
            long[] sum = sums.computeIfAbsent(result.path("model").asString(), model -> new long[2]);
            sum[0] += result.path("timing").path("backend_ms").asLong();
            sum[1]++;
        });
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : MessageCodec.mapper().readTree(value);
        } catch (RuntimeException e) {
            return null; // not a result this reader knows: skipped
        }
    }
}
