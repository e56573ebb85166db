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
        int maxRequestBytes) {

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
        if (workerId.isBlank()) {
            throw new IllegalArgumentException("worker id must not be blank");
        }
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("max request bytes must be positive");
        }
    }

    /** Defaults everywhere except where Kafka and LM Studio are. */
    public static WorkerConfig defaults(String workerId, String bootstrapServers, java.net.URI backendUrl) {
        return new WorkerConfig(workerId, Topics.defaults(), KafkaSettings.defaults(bootstrapServers),
                BackendSettings.defaults(backendUrl), RetrySettings.defaults(), SchedulingSettings.defaults(),
                DeliverySettings.defaults(), BatchSettings.defaults(), DEFAULT_MAX_REQUEST_BYTES);
    }

    public WorkerConfig withBackend(BackendSettings newBackend) {
        return new WorkerConfig(workerId, topics, kafka, newBackend, retry, scheduling, delivery, batches, maxRequestBytes);
    }

    public WorkerConfig withRetry(RetrySettings newRetry) {
        return new WorkerConfig(workerId, topics, kafka, backend, newRetry, scheduling, delivery, batches, maxRequestBytes);
    }

    public WorkerConfig withKafka(KafkaSettings newKafka) {
        return new WorkerConfig(workerId, topics, newKafka, backend, retry, scheduling, delivery, batches, maxRequestBytes);
    }

    public WorkerConfig withScheduling(SchedulingSettings newScheduling) {
        return new WorkerConfig(workerId, topics, kafka, backend, retry, newScheduling, delivery, batches, maxRequestBytes);
    }

    public WorkerConfig withDelivery(DeliverySettings newDelivery) {
        return new WorkerConfig(workerId, topics, kafka, backend, retry, scheduling, newDelivery, batches, maxRequestBytes);
    }

    public WorkerConfig withBatches(BatchSettings newBatches) {
        return new WorkerConfig(workerId, topics, kafka, backend, retry, scheduling, delivery, newBatches, maxRequestBytes);
    }

    public WorkerConfig withWorkerId(String newWorkerId) {
        return new WorkerConfig(newWorkerId, topics, kafka, backend, retry, scheduling, delivery, batches, maxRequestBytes);
    }
}
