package dev.dmap.worker.config;

import dev.dmap.schemas.Topics;
import java.util.Objects;

/**
 * Everything a worker needs, validated once at start-up and immutable afterwards. Spring binds
 * {@code application.yaml} into it at the edge ({@code dev.dmap.worker.app}); tests and
 * {@code dmap run} build it directly.
 *
 * @param workerId        this worker's id, written into every result and dead letter
 * @param topics          topic names under the configured prefix
 * @param kafka           how to reach Kafka and how the consumer loop behaves
 * @param backend         how to reach LM Studio and manage its models
 * @param retry           retries of transient backend failures
 * @param scheduling      which records to serve next
 * @param delivery        exactly-once or at-least-once
 * @param batches         the batch tracker
 * @param maxRequestBytes larger request records end as {@code payload_too_large}
 * @param cache           the response cache
 */
public record WorkerConfig(
        String workerId,
        Topics topics,
        KafkaSettings kafka,
        BackendSettings backend,
        RetrySettings retry,
        SchedulingSettings scheduling,
        DeliverySettings delivery,
        BatchSettings batches,
        int maxRequestBytes,
        CacheSettings cache) {

    public static final int DEFAULT_MAX_REQUEST_BYTES = dev.dmap.schemas.Limits.DEFAULT_MAX_REQUEST_BYTES;

    public WorkerConfig {
        Objects.requireNonNull(workerId, "workerId");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(kafka, "kafka");
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(retry, "retry");
        Objects.requireNonNull(scheduling, "scheduling");
        Objects.requireNonNull(delivery, "delivery");
        Objects.requireNonNull(batches, "batches");
        Objects.requireNonNull(cache, "cache");
        if (workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be blank");
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("max request bytes must be positive");
        }
    }

    /** A config with the response cache's defaults. */
    public WorkerConfig(String workerId, Topics topics, KafkaSettings kafka, BackendSettings backend, RetrySettings retry,
            SchedulingSettings scheduling, DeliverySettings delivery, BatchSettings batches, int maxRequestBytes) {
        this(workerId, topics, kafka, backend, retry, scheduling, delivery, batches, maxRequestBytes, CacheSettings.defaults());
    }

    /** Defaults everywhere except where Kafka and LM Studio are. */
    public static WorkerConfig defaults(String workerId, String bootstrapServers, java.net.URI backendUrl) {
        return new WorkerConfig(workerId, Topics.defaults(), KafkaSettings.defaults(bootstrapServers),
                BackendSettings.defaults(backendUrl), RetrySettings.defaults(), SchedulingSettings.defaults(),
                DeliverySettings.defaults(), BatchSettings.defaults(), DEFAULT_MAX_REQUEST_BYTES);
    }

    public WorkerConfig withBackend(BackendSettings newBackend) {
        return toBuilder().backend(newBackend).build();
    }

    public WorkerConfig withRetry(RetrySettings newRetry) {
        return toBuilder().retry(newRetry).build();
    }

    public WorkerConfig withKafka(KafkaSettings newKafka) {
        return toBuilder().kafka(newKafka).build();
    }

    public WorkerConfig withScheduling(SchedulingSettings newScheduling) {
        return toBuilder().scheduling(newScheduling).build();
    }

    public WorkerConfig withDelivery(DeliverySettings newDelivery) {
        return toBuilder().delivery(newDelivery).build();
    }

    public WorkerConfig withBatches(BatchSettings newBatches) {
        return toBuilder().batches(newBatches).build();
    }

    public WorkerConfig withCache(CacheSettings newCache) {
        return toBuilder().cache(newCache).build();
    }

    public WorkerConfig withWorkerId(String newWorkerId) {
        return toBuilder().workerId(newWorkerId).build();
    }

    private Builder toBuilder() {
        return new Builder(this);
    }

    /** A copy of a config with some parts changed: the one place the withers build a new record. */
    private static final class Builder {
        private String workerId;
        private KafkaSettings kafka;
        private BackendSettings backend;
        private RetrySettings retry;
        private SchedulingSettings scheduling;
        private DeliverySettings delivery;
        private BatchSettings batches;
        private CacheSettings cache;
        private final WorkerConfig from;

        Builder(WorkerConfig from) {
            this.from = from;
            workerId = from.workerId;
            kafka = from.kafka;
            backend = from.backend;
            retry = from.retry;
            scheduling = from.scheduling;
            delivery = from.delivery;
            batches = from.batches;
            cache = from.cache;
        }

        Builder workerId(String value) {
            workerId = value;
            return this;
        }

        Builder kafka(KafkaSettings value) {
            kafka = value;
            return this;
        }

        Builder backend(BackendSettings value) {
            backend = value;
            return this;
        }

        Builder retry(RetrySettings value) {
            retry = value;
            return this;
        }

        Builder scheduling(SchedulingSettings value) {
            scheduling = value;
            return this;
        }

        Builder delivery(DeliverySettings value) {
            delivery = value;
            return this;
        }

        Builder cache(CacheSettings value) {
            cache = value;
            return this;
        }

        Builder batches(BatchSettings value) {
            batches = value;
            return this;
        }

        WorkerConfig build() {
            return new WorkerConfig(workerId, from.topics, kafka, backend, retry, scheduling, delivery, batches, from.maxRequestBytes, cache);
        }
    }
}
