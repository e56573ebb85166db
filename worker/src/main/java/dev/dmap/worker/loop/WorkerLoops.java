package dev.dmap.worker.loop;

import dev.dmap.worker.cache.ResponseCache;
import java.time.Instant;
import java.util.function.BiFunction;
import dev.dmap.schemas.RequestDecoder;
import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.config.DeliverySettings;
import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.delivery.Acknowledgements;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.AtLeastOnceDelivery;
import dev.dmap.worker.delivery.Delivery;
import dev.dmap.worker.delivery.ExactlyOnceDelivery;
import dev.dmap.worker.delivery.OutcomeRecords;
import dev.dmap.worker.fleet.RebalanceNudge;
import dev.dmap.worker.kafka.ClientProperties;
import dev.dmap.worker.pipeline.CallerReplies;
import dev.dmap.worker.pipeline.DeadLetters;
import dev.dmap.worker.pipeline.Outcome;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.pipeline.Work;
import dev.dmap.worker.scheduling.Deadlines;
import dev.dmap.worker.scheduling.DispatchStrategy;
import java.time.Clock;
import java.util.Locale;
import java.util.Queue;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;

/** Builds a worker's {@link PollLoop} with real Kafka clients, wiring its parts in the one order that needs no callbacks. */
public final class WorkerLoops {
    private WorkerLoops() {
    }

    /**
     * @param callers the threads that serve requests in slots
     * @param backend whether the backend is usable, shared with health and metrics
     */
    public static PollLoop create(WorkerConfig config, GpuCapacity capacity, RequestProcessor processor, CallerReplies replies,
            ResponseCache cache, ExecutorService callers, BackendState backend, DispatchStrategy strategy, Telemetry telemetry) {
        boolean affinity = config.scheduling().strategy() == SchedulingSettings.Strategy.AFFINITY;
        var consumer = new KafkaConsumer<byte[], byte[]>(ClientProperties.consumer(config.kafka(), config.workerId(),
                affinity, capacity::loadedModels, config.scheduling().loadCost()));
        RebalanceNudge nudge = affinity ? new RebalanceNudge(ClientProperties.admin(config.kafka()), config.kafka().groupId(),
                config.scheduling().loadCost()) : null;
        return assemble(config, consumer, (assignment, events, recovery) ->
                delivery(config, consumer, assignment, events, recovery, telemetry.clock()),
                new Backing(capacity, processor::process, processor.deadLetters(), callers, backend, strategy, replies, cache,
                        processor::refusal), nudge,
                telemetry);
    }

    /** What serves the requests: the GPU's capacity, the processor, the dead letters it writes, the caller threads, the backend's state, the strategy. */
    record Backing(Capacity capacity, Function<Work, Outcome> processor, DeadLetters deadLetters, ExecutorService callers,
            BackendState backend, DispatchStrategy strategy, CallerReplies replies, ResponseCache cache,
            BiFunction<Work, Instant, Outcome> refusal) {
        Backing(Capacity capacity, Function<Work, Outcome> processor, DeadLetters deadLetters, ExecutorService callers,
                BackendState backend, DispatchStrategy strategy, CallerReplies replies) {
            this(capacity, processor, deadLetters, callers, backend, strategy, replies, null, (work, now) -> null);
        }

        Backing(Capacity capacity, Function<Work, Outcome> processor, DeadLetters deadLetters, ExecutorService callers,
                BackendState backend, DispatchStrategy strategy) {
            this(capacity, processor, deadLetters, callers, backend, strategy, CallerReplies.NONE);
        }
    }

    /** Builds the delivery once the assignment, the event queue and the recovery exist. */
    @FunctionalInterface
    interface DeliveryFactory {
        Delivery create(Assignment assignment, Acknowledgements acknowledgements, Delivery.Recovery recovery);
    }

    /** Wires a loop's parts in the one order that needs no callbacks; tests give it a MockConsumer and a MockProducer. */
    static PollLoop assemble(WorkerConfig config, org.apache.kafka.clients.consumer.Consumer<byte[], byte[]> consumer,
            DeliveryFactory deliveryFactory, Backing backing, RebalanceNudge nudge, Telemetry telemetry) {
        Clock clock = telemetry.clock();
        Queue<LoopEvent> queue = LoopEvents.queue();
        Assignment assignment = new Assignment(consumer);
        SlotRunner runner = new SlotRunner(backing.processor(), backing.callers(), telemetry.tracing(), backing.deadLetters(),
                telemetry.metrics(), clock, backing.replies());
        ResponseCache cache = backing.cache() != null ? backing.cache() : ResponseCache.disabled(telemetry.metrics().cache(), clock);
        CacheHits hits = new CacheHits(cache, backing.refusal(), backing.replies(), config.workerId(), clock);
        Dispatcher dispatcher = new Dispatcher(backing.strategy(), backing.capacity(), runner, queue::add, backing.backend(),
                telemetry.metrics(), hits);
        LoopControl control = new LoopControl(assignment, dispatcher);
        Delivery delivery = deliveryFactory.create(assignment, LoopEvents.acknowledgements(queue), control);
        OutcomeRecords records = new OutcomeRecords(config.topics(), config.kafka().groupId());
        OutcomePublisher publisher = new OutcomePublisher(delivery, records, telemetry.metrics(), telemetry.tracing(), clock, cache);
        LoopEvents events = new LoopEvents(queue, assignment, dispatcher, delivery, publisher);
        QueueDepth depth = new QueueDepth(consumer, telemetry.metrics());
        Intake intake = new Intake(assignment, new Intake.Decoding(new RequestDecoder(config.maxRequestBytes()),
                backing.deadLetters(), clock, new Deadlines(config.scheduling().maxWait(), config.scheduling().batchWindow()), config.topics()), dispatcher, publisher, depth, telemetry.metrics(), hits);
        var fetching = new LoopParts.Fetching(consumer, config.topics().servedPattern(), assignment,
                new PartitionHandover(assignment, dispatcher, delivery, events, config.kafka().shutdownTimeout(), clock),
                new PartitionPauses(consumer, config.kafka().maxBufferedPerPartition(), config.scheduling().prefetch(), assignment),
                intake);
        var reporting = new LoopParts.Reporting(depth, new StatusReporter(identity(config, backing.capacity()), clock), records,
                nudge);
        return new PollLoop(control, fetching, new LoopParts.Serving(dispatcher, events, delivery, backing.backend()), reporting,
                config.kafka(), clock);
    }

    /** Client properties for a plain reader of dmap's topics (no group). */
    public static java.util.Map<String, Object> readerProperties(WorkerConfig config) {
        java.util.Map<String, Object> props = new java.util.HashMap<>(config.kafka().clientProperties());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka().bootstrapServers());
        props.put(org.apache.kafka.clients.consumer.ConsumerConfig.CLIENT_ID_CONFIG, config.workerId());
        return props;
    }

    private static StatusReporter.Identity identity(WorkerConfig config, Capacity capacity) {
        return new StatusReporter.Identity(config.workerId(), config.kafka().groupId(), config.backend().baseUrl().toString(),
                config.scheduling().strategy().name().toLowerCase(Locale.ROOT), capacity::loadedModels,
                capacity::availableModels, capacity::loadCount, capacity::loadsLastHour);
    }

    private static Delivery delivery(WorkerConfig config, KafkaConsumer<byte[], byte[]> consumer, Assignment assignment,
            Acknowledgements acknowledgements, Delivery.Recovery recovery, Clock clock) {
        KafkaSettings kafka = config.kafka();
        if (config.delivery().mode() == DeliverySettings.Mode.AT_LEAST_ONCE) {
            return new AtLeastOnceDelivery(new KafkaProducer<>(ClientProperties.producer(kafka, config.workerId(),
                    config.maxRequestBytes())), consumer, assignment, acknowledgements, kafka.commitInterval(), clock);
        }
        String transactionalId = config.topics().prefix() + "-" + kafka.groupId() + "-" + config.workerId();
        return new ExactlyOnceDelivery(() -> new KafkaProducer<>(ClientProperties.transactionalProducer(kafka, config.workerId(),
                transactionalId, config.maxRequestBytes())), consumer, assignment, config.delivery().transactionInterval(),
                clock, recovery);
    }
}
