package dev.dmap.devkit.emulator;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Performs loads: reserves memory, evicts, waits the simulated load time, applies load faults
 * and publishes the instance. Used by {@code POST /api/v1/models/load} (explicit) and by
 * inference calls on an unloaded model (JIT).
 *
 * <p>Load time = ({@code loadOverhead} + size / {@code loadBytesPerSecond}) x load slowdown,
 * in simulated seconds; the wait is that times the time scale. An injected load failure
 * happens after the full load time, like a real load that dies at the end (CUDA OOM, SIGABRT).
 */
final class ModelLoader {
    private static final Logger log = LoggerFactory.getLogger(ModelLoader.class);

    private final EmulatorConfig config;
    private final EmulatedResidency residency;
    private final SimulatedTime time;
    private final StatsRecorder stats;

    ModelLoader(EmulatorConfig config, EmulatedResidency residency, SimulatedTime time, StatsRecorder stats) {
        this.config = config;
        this.residency = residency;
        this.time = time;
        this.stats = stats;
    }

    /** A finished load and its simulated duration (what {@code load_time_seconds} reports). */
    record Loaded(ModelInstance instance, Duration loadTime) {
    }

    /**
     * Loads {@code model} with {@code instanceConfig} (see {@link #defaultConfig}).
     *
     * @param jit true when an inference call triggers the load (auto-evict applies)
     * @throws ApiException 500 {@code model_load_failed} when refused for memory or failed by a fault
     * @throws Cancellation.CancelledException when the emulator crashes during the load
     */
    Loaded load(EmulatedModel model, InstanceConfig instanceConfig, boolean jit, Cancellation call) {
        EmulatedResidency.Reservation reservation = reserve(model, instanceConfig, jit);
        ModelInstance instance = reservation.instance();
        if (!reservation.fresh()) {
            return new Loaded(instance, Duration.ZERO);
        }
        reservation.evicted().forEach(this::evict);
        Duration loadTime = loadTime(model);
        log.info("Loading {} ({}, {}, context {}) for {} s simulated", instance.id(), ByteSize.format(model.sizeBytes()),
                jit ? "JIT" : "explicit", instance.config().contextLength(), loadTime.toMillis() / 1000.0);
        try {
            time.await(loadTime, call);
        } catch (Cancellation.CancelledException e) {
            residency.abandon(instance);
            throw e;
        }
        if (config.faults().loadFails(model.key())) {
            residency.abandon(instance);
            stats.injectedFault();
            log.info("Load of {} failed (injected fault)", instance.id());
            throw LmStudioErrors.loadFailed(model.key());
        }
        stats.loaded(model.key(), residency.markReady(instance));
        log.info("Loaded {}", instance.id());
        return new Loaded(instance, loadTime);
    }

    /** Loads at once, without waiting or faults (test convenience); refused like any load when memory is short. */
    ModelInstance loadNow(EmulatedModel model) {
        ModelInstance instance = reserve(model, defaultConfig(model), false).instance();
        stats.loaded(model.key(), residency.markReady(instance));
        return instance;
    }

    /** Unloads every JIT-loaded instance whose idle TTL has passed (LM Studio's {@code ttl}, default 60 min). */
    void unloadIdle() {
        residency.ready().stream().filter(ModelInstance::idleExpired).forEach(instance -> {
            if (residency.remove(instance.id()).isPresent()) {
                shutDown(instance);
                log.info("Unloaded {}: idle longer than its TTL", instance.id());
            }
        });
    }

    /** Unloads a loaded instance by id; its calls in flight fail with "Model unloaded". */
    boolean unload(String instanceId) {
        return residency.remove(instanceId).map(instance -> {
            shutDown(instance);
            log.info("Unloaded {}", instanceId);
            return true;
        }).orElse(false);
    }

    /** Simulated load time of {@code model} under the current load slowdown. */
    Duration loadTime(EmulatedModel model) {
        Duration transfer = SimulatedTime.forWork(model.sizeBytes(), config.loadBytesPerSecond());
        double nanos = config.loadOverhead().plus(transfer).toNanos() * config.faults().loadSlowdown();
        return Duration.ofNanos(Math.round(nanos));
    }

    /** The configuration of a load that asks for nothing: the default context (capped by the model's maximum). */
    InstanceConfig defaultConfig(EmulatedModel model) {
        return InstanceConfig.of(Math.min(config.defaultContextLength(), model.maxContextLength()),
                config.parallelSlots());
    }

    private EmulatedResidency.Reservation reserve(EmulatedModel model, InstanceConfig instanceConfig, boolean jit) {
        try {
            return residency.reserve(model, instanceConfig, jit, jit && config.autoEvict());
        } catch (EmulatedResidency.InsufficientMemoryException e) {
            log.info("Load of {} refused: needs {}, {} free", model.key(), ByteSize.format(e.requiredBytes()),
                    ByteSize.format(e.availableBytes()));
            throw LmStudioErrors.insufficientResources(model.key(), e.requiredBytes(), e.availableBytes());
        }
    }

    private void evict(ModelInstance instance) {
        shutDown(instance);
        log.info("Auto-evicted JIT-loaded {}", instance.id());
    }

    private void shutDown(ModelInstance instance) {
        instance.shutDown(Cancellation.Reason.MODEL_UNLOADED);
        stats.unloaded(instance.model().key());
    }
}
