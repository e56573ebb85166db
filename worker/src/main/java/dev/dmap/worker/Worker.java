package dev.dmap.worker;

import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.batches.BatchRegistry;
import dev.dmap.worker.batches.BatchTracker;
import dev.dmap.worker.online.KafkaCallerReplies;
import dev.dmap.worker.config.WorkerConfig;
import dev.dmap.worker.kafka.RequestTopics;
import dev.dmap.worker.loop.GpuCapacity;
import dev.dmap.worker.loop.LoopStatus;
import dev.dmap.worker.loop.PollLoop;
import dev.dmap.worker.loop.RequestTracing;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dmap worker: the consumer loop on its own thread, requests served on worker
 * threads, one LM Studio behind it. Framework-free: the Spring Boot app, {@code dmap run} and
 * the tests all start it the same way.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    /** Extra time, beyond the drain timeout, for the consumer to leave the group. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(15);

    private final WorkerConfig config;
    private final PollLoop loop;
    private final GpuCapacity capacity;
    private final BackendState backend;
    private final Services services;
    private final java.util.Queue<java.util.function.Consumer<String>> failureListeners =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean closing;

    /** What runs beside the loop and stops with it. */
    record Services(ExecutorService callers, ScheduledExecutorService scheduler, RequestTopics requestTopics,
            BatchRegistry batches, BatchTracker tracker, KafkaCallerReplies replies, ResponseCache cache,
            dev.dmap.worker.kafka.BrokerWatch brokerWatch) {
    }

    Worker(WorkerConfig config, PollLoop loop, GpuCapacity capacity, BackendState backend, Services services) {
        this.config = config;
        this.loop = loop;
        this.capacity = capacity;
        this.backend = backend;
        this.services = services;
    }

    public static Worker start(WorkerConfig config, MeterRegistry registry) {
        return start(config, registry, Clock.systemUTC());
    }

    public static Worker start(WorkerConfig config, MeterRegistry registry, Clock clock) {
        return start(config, registry, RequestTracing.PASS_THROUGH, clock);
    }

    /**
     * Starts a worker ({@link WorkerStartup} builds its parts in order).
     *
     * @param tracing spans per request ({@link RequestTracing#of}), or {@link RequestTracing#PASS_THROUGH}
     */
    public static Worker start(WorkerConfig config, MeterRegistry registry, RequestTracing tracing, Clock clock) {
        return WorkerStartup.start(config, registry, tracing, clock);
    }

    /**
     * Runs {@code action} once with the reason if the worker stops on its own because it cannot go
     * on (the consumer loop failed for good, or the batch tracker died). A service exits on it
     * with a non-zero code, so that its supervisor restarts it; it never idles looking healthy.
     */
    public void onFailure(java.util.function.Consumer<String> action) {
        failureListeners.add(action);
        String already = failure();
        if (already != null && failureListeners.remove(action)) {
            action.accept(already);
        }
    }

    /** Why the worker stopped on its own, or null while it works (or after a requested stop). */
    public String failure() {
        String loopFailure = loop.failure();
        if (loopFailure != null) {
            return loopFailure;
        }
        String cacheFailure = services.cache().failure();
        if (cacheFailure != null) {
            return cacheFailure;
        }
        return services.tracker() == null ? null : services.tracker().failure();
    }

    void watch() {
        try {
            while (!closing && failure() == null) {
                loop.awaitStopped(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        String why = failure();
        if (why != null && !closing) {
            for (var listener = failureListeners.poll(); listener != null; listener = failureListeners.poll()) {
                listener.accept(why);
            }
        }
    }

    public String id() {
        return config.workerId();
    }

    public LoopStatus status() {
        return loop.status();
    }

    /** Whether the backend can be used: it answered its last check (every few seconds, idle or not) and no outage is being waited out. */
    public boolean backendUsable() {
        return backend.usable();
    }

    /** Why the backend did not answer its last check (refused, timeout, 401, 5xx), or null when it did. */
    public String backendProblem() {
        return backend.problem();
    }

    /** Models whose failed load is remembered now, with the reason (their requests end at once). */
    public Map<String, String> failedLoads() {
        return capacity.residency().failedLoads();
    }

    /** Models LM Studio holds as far as this worker knows, without I/O. */
    public Set<String> loadedModels() {
        return capacity.loadedModels();
    }

    /** The last model listing read from the backend, or null before the first. */
    public ModelListing lastListing() {
        return capacity.catalogue().lastKnown();
    }

    /** Stops taking records, lets in-flight requests finish (up to the shutdown timeout), commits, leaves the group. */
    @Override
    public void close() {
        closing = true;
        loop.stop();
        try {
            if (!loop.awaitStopped(config.kafka().shutdownTimeout().plus(CLOSE_GRACE))) {
                log.warn("The consumer loop did not stop in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            services.callers().shutdownNow();
            services.scheduler().shutdownNow();
            services.requestTopics().close();
            services.batches().close();
            services.replies().close();
            services.cache().close();
            services.brokerWatch().close();
            if (services.tracker() != null) {
                services.tracker().close();
            }
        }
        log.info("Worker {} stopped", config.workerId());
    }
}
