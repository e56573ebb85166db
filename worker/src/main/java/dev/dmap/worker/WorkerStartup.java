package dev.dmap.worker;

import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.worker.cache.ResponseCaches;
import dev.dmap.schemas.DaemonThreads;
import dev.dmap.worker.backend.Backend;
import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.HealthProbe;
import dev.dmap.worker.backend.HttpReply;
import dev.dmap.worker.backend.ModelCatalogue;
import dev.dmap.worker.backend.ModelResidency;
import dev.dmap.worker.backend.RetryableFailure;
import dev.dmap.worker.backend.Sleeper;
import dev.dmap.worker.batches.BatchRegistry;
import dev.dmap.worker.batches.BatchTracker;
import dev.dmap.worker.config.RetrySettings;
import dev.dmap.worker.config.SchedulingSettings;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.kafka.ClientProperties;
import dev.dmap.worker.kafka.BrokerWatch;
import dev.dmap.worker.kafka.OutputTopics;
import dev.dmap.worker.kafka.RequestTopics;
import dev.dmap.worker.loop.GpuCapacity;
import dev.dmap.worker.loop.PollLoop;
import dev.dmap.worker.loop.RequestTracing;
import dev.dmap.worker.loop.Telemetry;
import dev.dmap.worker.loop.WorkerLoops;
import dev.dmap.worker.metrics.WorkerMetrics;
import dev.dmap.worker.online.KafkaCallerReplies;
import dev.dmap.worker.pipeline.BackPressure;
import dev.dmap.worker.pipeline.BackoffPolicy;
import dev.dmap.worker.pipeline.ContextBudget;
import dev.dmap.worker.pipeline.PipelineListener;
import dev.dmap.worker.pipeline.RequestProcessor;
import dev.dmap.worker.pipeline.TokenEstimator;
import dev.dmap.worker.scheduling.AdaptiveWindow;
import dev.dmap.worker.scheduling.AffinityStrategy;
import dev.dmap.worker.scheduling.ServiceTimes;
import dev.dmap.worker.scheduling.DispatchStrategy;
import dev.dmap.worker.scheduling.FifoStrategy;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.producer.KafkaProducer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds a worker's parts in the order they need each other and starts it: the backend client,
 * catalogue and residency, the backend's state and its periodic check, the topics, the batch
 * registry and tracker, the request processor, and the consumer loop on its own thread.
 */
final class WorkerStartup {
    private static final Logger log = LoggerFactory.getLogger(WorkerStartup.class);
    /** How often the backend is checked while nothing else shows whether it answers. */
    private static final Duration BACKEND_CHECK = Duration.ofSeconds(5);
    /** How often request topics are checked for too few partitions or too small a record size. */
    private static final Duration REQUEST_TOPIC_CHECK = Duration.ofSeconds(30);

    private WorkerStartup() {
    }

    /**
     * Starts a worker.
     *
     * @param tracing spans per request ({@link RequestTracing#of}), or {@link RequestTracing#PASS_THROUGH}
     */
    static Worker start(WorkerConfig config, MeterRegistry registry, RequestTracing tracing, Clock clock) {
        log.info("Starting worker {} against {} ({}), Kafka at {}", config.workerId(), config.backend().baseUrl(),
                config.scheduling().strategy(), config.kafka().bootstrapServers());
        WorkerMetrics metrics = new WorkerMetrics(registry);
        Backend client = Backends.connect(config.backend(), clock);
        ModelCatalogue catalogue = new ModelCatalogue(client, clock, config.backend().catalogueTtl());
        metrics.precreateOnlyFor(model -> catalogue.lastKnown() != null && catalogue.lastKnown().available().contains(model));
        ModelResidency residency = new ModelResidency(client, catalogue, config.backend(), clock, Sleeper.SYSTEM, metrics);
        ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(DaemonThreads.numbered("dmap-probe-"));
        HealthProbe probe = new HealthProbe(catalogue, config.backend(), scheduler);
        scheduler.scheduleWithFixedDelay(() -> metrics.loadedModels(slotsByLoadedModel(residency), residency.memoryByModel()),
                0, 1, TimeUnit.SECONDS);
        AdaptiveWindow window = new AdaptiveWindow(clock, config.backend().maxWindow(), AdaptiveWindow.DEFAULT_EPOCH);
        // readiness starts from an answer to an authenticated call, not from a hope
        BackendState backend = new BackendState(probe, probe.answers());
        metrics.watchBackend(backend::usable);
        scheduler.scheduleWithFixedDelay(backend::check, BACKEND_CHECK.toMillis(), BACKEND_CHECK.toMillis(),
                TimeUnit.MILLISECONDS);
        OutputTopics.ensure(config.kafka(), config.topics());
        RequestTopics requestTopics = RequestTopics.start(config.kafka(), config.topics(), config.maxRequestBytes(),
                REQUEST_TOPIC_CHECK);
        BatchRegistry batches = BatchRegistry.start(config.topics(), WorkerLoops.readerProperties(config));
        BatchTracker tracker = config.batches().tracker()
                ? BatchTracker.start(config.topics(), config.kafka().bootstrapServers(), config.kafka().clientProperties(),
                        config.workerId(), config.batches().stateDir(), config.batches().retention())
                : null;
        KafkaCallerReplies replies = new KafkaCallerReplies(new KafkaProducer<>(ClientProperties.replyProducer(config.kafka(),
                config.workerId(), config.maxRequestBytes())));
        RequestProcessor processor = new RequestProcessor(client, catalogue, residency, probe, new TokenEstimator(),
                new ContextBudget(config.backend().contextMarginTokens()), retry(config.retry()), config.workerId(),
                PipelineListener.both(metrics, new BackPressure(window, residency)), batches, clock, replies);
        ExecutorService callers = Executors.newCachedThreadPool(DaemonThreads.numbered("dmap-call-"));
        GpuCapacity capacity = new GpuCapacity(residency, catalogue, window);
        ResponseCache cache = ResponseCaches.start(config.cache(), config.cache().dirFor(config.batches().stateDir(),
                config.topics().prefix(), config.workerId()), config.topics(), WorkerLoops.readerProperties(config), catalogue::lastKnown,
                metrics.cache(), clock);
        PollLoop loop = WorkerLoops.create(config, capacity, processor, replies, cache, callers, backend,
                strategy(config.scheduling(), config.backend().unloadCooldown(), clock), new Telemetry(metrics, tracing, clock));
        Thread pollThread = new Thread(loop, "dmap-poll-1"); // not a daemon: the poll loop keeps the process alive
        pollThread.start();
        Worker worker = new Worker(config, loop, capacity, backend,
                new Worker.Services(callers, scheduler, requestTopics, batches, tracker, replies, cache,
                        BrokerWatch.start(config.kafka(), clock)));
        Thread watch = DaemonThreads.numbered("dmap-watch-").newThread(worker::watch);
        watch.start();
        return worker;
    }

    private static Map<String, Integer> slotsByLoadedModel(ModelResidency residency) {
        Map<String, Integer> slots = new HashMap<>();
        residency.loadedModels().forEach(model -> slots.put(model, residency.slotsFor(model)));
        return slots;
    }

    static Retry retry(RetrySettings settings) {
        RetryConfig retryConfig = RetryConfig.<HttpReply>custom()
                .maxAttempts(settings.maxAttempts())
                .intervalBiFunction(new BackoffPolicy(settings))
                .retryOnException(RetryableFailure.class::isInstance)
                .failAfterMaxAttempts(false)
                .build();
        return Retry.of("backend", retryConfig);
    }

    static DispatchStrategy strategy(SchedulingSettings settings, java.time.Duration cooldown, Clock clock) {
        return switch (settings.strategy()) {
            case FIFO -> new FifoStrategy();
            case AFFINITY -> new AffinityStrategy(clock, settings.minHold(), settings.drainGrace(),
                    new ServiceTimes(ServiceTimes.priorSwapCost(settings.maxWait(), cooldown)));
        };
    }
}
