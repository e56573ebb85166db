package dev.dmap.worker.backend;

import dev.dmap.worker.config.BackendSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ensure-loaded: which models the backend holds, and loading one when a request needs it.
 *
 * <ul>
 *   <li>Loads are explicit ({@code POST /api/v1/models/load}), never JIT inside an inference call,
 *       and one at a time: LM Studio loads a model twice when two requests race (bug #1751).</li>
 *   <li>At most {@code maxLoadedModels} are held (fewer if the server says it holds fewer, as
 *       llama-server's router does, so that it never evicts a busy model itself); to make room, the least recently used model
 *       without open {@link Lease}s is unloaded, then the worker waits the unload cooldown before
 *       loading (the article's 3 s, against CUDA error 700 on rapid swaps).</li>
 *   <li>State is read back from LM Studio after every change, so the loaded context and parallel
 *       slots are the server's, not our guess.</li>
 * </ul>
 *
 * Thread-safe. The fast path (model already loaded) takes no lock.
 */
public final class ModelResidency {
    private static final Logger log = LoggerFactory.getLogger(ModelResidency.class);

    private final Backend client;
    private final ModelCatalogue catalogue;
    private final BackendSettings settings;
    private final Clock clock;
    private final ResidencyListener listener;
    private final Object lock = new Object();
    private final Leases leases;
    private final LoadFailures failedLoads;
    private final Believed believed = new Believed();
    private final Eviction eviction;
    private final UnloadCooldown cooldown;
    private final AtomicLong loads = new AtomicLong();
    private final LoadHistory history;
    /** Loads per model: a request that saw its model's count change while it waited, waited for a load. */
    private final Map<String, AtomicLong> loadsByModel = new ConcurrentHashMap<>();

    public ModelResidency(Backend client, ModelCatalogue catalogue, BackendSettings settings, Clock clock,
            Sleeper sleeper, ResidencyListener listener) {
        this.client = client;
        this.catalogue = catalogue;
        this.settings = settings;
        this.clock = clock;
        this.history = new LoadHistory(clock);
        this.cooldown = new UnloadCooldown(settings.unloadCooldown(), clock, sleeper);
        this.listener = listener;
        this.failedLoads = new LoadFailures(settings.loadFailureMemory(), clock);
        this.leases = new Leases(lock, clock);
        this.eviction = new Eviction(client, believed, leases, cooldown, listener, clock);
    }

    /**
     * Ensures {@code model} is loaded and keeps it loaded until the lease is closed.
     *
     * @throws PermanentFailure {@code model_load_failed} while a failed load of the model is
     *                          remembered ({@link #loadFailed})
     */
    public Lease acquire(String model) {
        Instant start = clock.instant();
        failedLoads.check(model);
        long loadsBefore = loadsOf(model).get();
        Optional<Lease> fast = tryFastPath(model, start);
        if (fast.isPresent()) {
            listener.acquired(model, true);
            return fast.get();
        }
        synchronized (lock) {
            if (believed.stale()) {
                believed.refresh(catalogue);
            }
            LoadedModel loadedModel = believed.get(model);
            if (loadedModel == null) {
                loadedModel = loadLocked(model, start.plus(settings.loadTimeout()));
            }
            Lease lease = lease(loadedModel, start);
            listener.acquired(model, loadsOf(model).get() == loadsBefore);
            return lease;
        }
    }

    /** Whether the server reports parallel slots (LM Studio, llama-server); a plain OpenAI server does not. */
    public boolean reportsSlots() {
        return client.reportsSlots();
    }

    /**
     * Parallel slots to use for {@code model}: the override, else what the server reports (from this
     * residency's state, else from the last listing anyone read, so the first requests already use
     * the server's number), else the default.
     */
    public int slotsFor(String model) {
        if (settings.slotsOverride() > 0) {
            return settings.slotsOverride();
        }
        LoadedModel loadedModel = believed.get(model);
        ModelListing listing = catalogue.lastKnown();
        if (loadedModel == null && listing != null) {
            loadedModel = listing.loaded().get(model);
        }
        return loadedModel != null && loadedModel.parallelSlots() > 0 ? loadedModel.parallelSlots() : settings.defaultSlots();
    }

    /**
     * How many models may be held at once: the configured bound, or fewer when the server says it
     * holds fewer (llama-server's {@code --models-max}), so that it never evicts a model by itself.
     */
    public int maxLoadedModels() {
        ModelListing listing = catalogue.lastKnown();
        return listing != null && listing.maxLoaded() > 0
                ? Math.min(settings.maxLoadedModels(), listing.maxLoaded()) : settings.maxLoadedModels();
    }

    /** The models believed loaded, without I/O. */
    public Set<String> loadedModels() {
        return believed.models();
    }

    /**
     * The memory each loaded model takes, from LM Studio's {@code size_bytes} times its loaded
     * instances (0 when unknown), without I/O.
     */
    public Map<String, Long> memoryByModel() {
        return believed.memoryByModel();
    }

    /** Model loads this worker performed since it started. */
    public long loadCount() {
        return loads.get();
    }

    /** The loads of the last hour and the time they took. */
    public LoadHistory.Summary loadsLastHour() {
        return history.lastHour();
    }

    /**
     * A request's retries of loading {@code model} are spent: for the configured memory, the
     * model's other requests end at once instead of each paying the failed loads again; the
     * first request after it tries again.
     */
    public void loadFailed(String model, String reason) {
        failedLoads.remember(model, reason);
    }

    /** The models whose failed load is remembered now, with why: for health details. */
    public Map<String, String> failedLoads() {
        return failedLoads.now();
    }

    /** Forget what we believe; the next acquire reads the state from the backend (after a restart, say). */
    public void invalidate() {
        believed.markStale();
    }

    private Optional<Lease> tryFastPath(String model, Instant start) {
        LoadedModel loadedModel = believed.get(model);
        if (loadedModel == null || believed.stale()) {
            return Optional.empty();
        }
        leases.take(model);
        // Re-check after taking the lease: an eviction removes the model from `loaded` before it
        // looks at the lease count, so one of the two sides always sees the other.
        if (believed.get(model) != loadedModel) {
            leases.release(model);
            return Optional.empty();
        }
        return Optional.of(new Lease(loadedModel, Duration.between(start, clock.instant()), () -> leases.release(model)));
    }

    private Lease lease(LoadedModel loadedModel, Instant start) {
        String model = loadedModel.model();
        leases.take(model);
        return new Lease(loadedModel, Duration.between(start, clock.instant()), () -> leases.release(model));
    }

    private LoadedModel loadLocked(String model, Instant deadline) {
        String replaced = eviction.makeRoom(model, maxLoadedModels(), deadline);
        cooldown.await();
        Instant started = clock.instant();
        log.info("Loading model {}{}", model, replaced == null ? "" : " (replacing " + replaced + ")");
        try {
            client.load(model);
        } catch (RetryableFailure e) {
            loadAgainAfterMakingRoomLocked(model, deadline, e);
        }
        believed.refresh(catalogue);
        LoadedModel loadedModel = believed.get(model);
        if (loadedModel == null) {
            throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED,
                    "backend accepted the load of " + model + " but does not list it as loaded", null, null);
        }
        Duration took = Duration.between(started, clock.instant());
        log.info("Loaded model {} in {} ms (context {}, parallel {})", model, took.toMillis(),
                loadedModel.contextLength(), loadedModel.parallelSlots());
        loads.incrementAndGet();
        loadsOf(model).incrementAndGet();
        history.loaded(took);
        listener.loaded(model, replaced, took);
        return loadedModel;
    }

    /**
     * A load failed. The backend may hold a model this worker did not know of: it restarted and
     * loaded one by itself for a call in flight (LM Studio's JIT loading), so it had no room. Read
     * its state again; if room could be made now, try once more, else give up on this attempt.
     */
    private void loadAgainAfterMakingRoomLocked(String model, Instant deadline, RetryableFailure failure) {
        RetryableFailure last = failure;
        try {
            believed.refresh(catalogue);
            if (believed.get(model) == null && eviction.makeRoom(model, maxLoadedModels(), deadline) != null) {
                log.info("Loading {} failed ({}); made room by unloading what the backend held, trying again", model,
                        failure.getMessage());
                cooldown.await();
                client.load(model);
                return;
            }
        } catch (RetryableFailure again) {
            last = again;
        }
        believed.markStale();
        throw new RetryableFailure(RetryableFailure.Reason.LOAD_FAILED, "loading " + model + " failed: " + last.getMessage(),
                last.reply().orElse(null), last);
    }

    private AtomicLong loadsOf(String model) {
        return loadsByModel.computeIfAbsent(model, m -> new AtomicLong());
    }
}
