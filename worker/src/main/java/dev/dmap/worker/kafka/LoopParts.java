package dev.dmap.worker.kafka;

import dev.dmap.schemas.RequestDecoder;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.pipeline.DeadLetters;
import java.time.Clock;
import java.util.function.Consumer;
import java.util.function.Function;

/** What a {@link PollLoop} is made of; built by {@link WorkerLoops}. */
record LoopParts(
        org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
        DeliveryFactory delivery,
        OutcomeRecords records,
        HealthProbe probe,
        WorkerMetrics metrics,
        RequestTracing tracing,
        RequestDecoder decoder,
        DeadLetters deadLetters,
        Topics topics,
        KafkaSettings settings,
        int prefetch,
        Clock clock,
        StatusReporter.Identity identity,
        RebalanceNudge nudge,
        Function<Consumer<LoopEvent>, Dispatcher> dispatcherFactory) {

    /** Builds the delivery once the loop's assignment, events and recovery exist. */
    @FunctionalInterface
    interface DeliveryFactory {
        Delivery create(Assignment assignment, Consumer<LoopEvent> events, Delivery.Recovery recovery);
    }
}
