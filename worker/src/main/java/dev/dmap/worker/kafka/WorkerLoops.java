package dev.dmap.worker.kafka;

import dev.dmap.schemas.RequestDecoder;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.scheduling.AdaptiveWindow;
import dev.dmap.worker.scheduling.DispatchStrategy;
import java.time.Clock;
import java.util.concurrent.ExecutorService;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Builds a worker's {@link PollLoop} with real Kafka clients. */
public final class WorkerLoops {
    private WorkerLoops() {
    }

    public static PollLoop create(WorkerConfig config, RequestProcessor processor, ModelResidency residency,
            ModelCatalogue catalogue, AdaptiveWindow window, HealthProbe probe, DispatchStrategy strategy, ExecutorService callers, WorkerMetrics metrics,
            RequestTracing tracing, Clock clock) {
        DeadLetters deadLetters = new DeadLetters(config.workerId());
        boolean affinity = config.scheduling().strategy() == SchedulingSettings.Strategy.AFFINITY;
        var consumer = new KafkaConsumer<byte[], byte[]>(ClientProperties.consumer(config.kafka(), config.workerId(),
                affinity, residency::loadedModels, config.scheduling().loadCost()));
        LoopParts parts = new LoopParts(consumer, delivery(config, consumer, clock),
                new OutcomeRecords(config.topics(), config.kafka().groupId()), probe, metrics, tracing,
                new RequestDecoder(config.maxRequestBytes()),
                deadLetters, config.topics(), config.kafka(), config.scheduling().prefetch(), clock,
                new StatusReporter.Identity(config.workerId(), config.kafka().groupId(), config.backend().baseUrl().toString(),
                        config.scheduling().strategy().name().toLowerCase(java.util.Locale.ROOT), residency::loadedModels,
                        residency::loadCount),
                affinity ? new RebalanceNudge(ClientProperties.admin(config.kafka()), config.kafka().groupId(),
                        config.scheduling().loadCost()) : null,
                events -> new Dispatcher(strategy, residency, catalogue, window, config.backend().maxLoadedModels(), processor,
                        callers, events, metrics, deadLetters, tracing));
        return new PollLoop(parts);
    }

    /** Client properties for a plain reader of dmap's topics (no group). */
    public static java.util.Map<String, Object> readerProperties(WorkerConfig config) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(config.kafka().clientProperties());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG, config.workerId());
        return props;
    }

    private static LoopParts.DeliveryFactory delivery(WorkerConfig config, KafkaConsumer<byte[], byte[]> consumer,
            Clock clock) {
        KafkaSettings kafka = config.kafka();
        if (config.delivery().mode() == DeliverySettings.Mode.AT_LEAST_ONCE) {
            return (assignment, events, recovery) -> new AtLeastOnceDelivery(
                    new KafkaProducer<>(ClientProperties.producer(kafka, config.workerId(), config.maxRequestBytes())), consumer, assignment, events,
                    kafka.commitInterval(), clock);
        }
        String transactionalId = config.topics().prefix() + "-" + kafka.groupId() + "-" + config.workerId();
        return (assignment, events, recovery) -> new ExactlyOnceDelivery(
                () -> new KafkaProducer<>(ClientProperties.transactionalProducer(kafka, config.workerId(), transactionalId,
                        config.maxRequestBytes())),
                consumer, assignment, config.delivery().transactionInterval(), clock, recovery);
    }
}
