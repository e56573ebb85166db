package dev.dmap.devkit.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;

/**
 * Which instances are in memory, and the decisions about memory: whether a load fits, which
 * JIT instances auto-evict pushes out, what id a new instance gets and which instance a model
 * name routes to. No HTTP and no waiting, so every decision is unit-testable.
 *
 * <p>Rules (LM Studio's, see docs/lm-studio-facts.md, Model residency):
 * <ul>
 *   <li>Memory is the sum of the file sizes of loading and loaded instances (KV cache is
 *       ignored). A load that does not fit is refused; explicit loads never evict.</li>
 *   <li>A JIT load with auto-evict first unloads every loaded instance that JIT loaded before
 *       (instances loaded explicitly stay). Emulator assumption: if the new model would not fit
 *       even after that, nothing is evicted and the load is refused.</li>
 *   <li>Instance ids: the model key, then {@code key:2}, {@code key:3}, ... (lowest free).
 *       An instance is invisible to routing until its load completes, which is why concurrent
 *       JIT calls for one model each start a load (lmstudio-bug-tracker#1751). A JIT load that
 *       finds the model loaded by then uses that instance instead.</li>
 * </ul>
 * Thread-safe: every method holds the monitor briefly.
 */
final class EmulatedResidency {
    private final long budgetBytes;
    private final List<ModelInstance> instances = new ArrayList<>();

    EmulatedResidency(long budgetBytes) {
        this.budgetBytes = budgetBytes;
    }

    /**
     * The outcome of {@link #reserve}: a new instance (state LOADING) with the instances to
     * unload first, or, for a JIT load, an instance of the model that finished loading in the
     * meantime ({@code fresh} false: nothing to load).
     */
    record Reservation(ModelInstance instance, List<ModelInstance> evicted, boolean fresh) {
    }

    /** Refusal of a load that does not fit in the memory budget. */
    static final class InsufficientMemoryException extends RuntimeException {
        private final long requiredBytes;
        private final long availableBytes;

        InsufficientMemoryException(long requiredBytes, long availableBytes) {
            super("needs " + requiredBytes + " bytes, " + availableBytes + " available", null, false, false);
            this.requiredBytes = requiredBytes;
            this.availableBytes = availableBytes;
        }

        long requiredBytes() {
            return requiredBytes;
        }

        long availableBytes() {
            return availableBytes;
        }
    }

    /**
     * Starts a load of {@code model}: checks memory, picks the evictions and the instance id.
     * The returned instances in {@code evicted} are already removed; the caller shuts them down.
     *
     * @param evictJit true for a JIT load with auto-evict on
     * @throws InsufficientMemoryException when the model does not fit
     */
    synchronized Reservation reserve(EmulatedModel model, InstanceConfig config, boolean jit, boolean evictJit) {
        Optional<ModelInstance> arrived = jit ? readyWhere(i -> i.model().equals(model)) : Optional.empty();
        if (arrived.isPresent()) {
            return new Reservation(arrived.get(), List.of(), false);
        }
        List<ModelInstance> evicted = evictJit ? select(i -> i.jitLoaded() && i.state() == ModelInstance.State.READY)
                : List.of();
        long usedAfterEviction = usedBytes() - evicted.stream().mapToLong(i -> i.model().sizeBytes()).sum();
        long available = budgetBytes - usedAfterEviction;
        if (model.sizeBytes() > available) {
            throw new InsufficientMemoryException(model.sizeBytes(), Math.max(0, available));
        }
        instances.removeAll(evicted);
        ModelInstance instance = new ModelInstance(nextId(model.key()), model, config, jit);
        instances.add(instance);
        return new Reservation(instance, evicted, true);
    }

    /** The load finished; returns how many loaded instances the model has now. */
    synchronized int markReady(ModelInstance instance) {
        instance.markReady();
        return select(i -> i.model().equals(instance.model()) && i.state() == ModelInstance.State.READY).size();
    }

    /** Forgets a load that failed or was cut short. */
    synchronized void abandon(ModelInstance instance) {
        instances.remove(instance);
    }

    /** Removes a loaded instance by id for an unload; the caller shuts it down. */
    synchronized Optional<ModelInstance> remove(String instanceId) {
        Optional<ModelInstance> found = readyWhere(i -> i.id().equals(instanceId));
        found.ifPresent(instances::remove);
        return found;
    }

    /**
     * The instance a request's {@code model} value routes to: an exact instance id wins,
     * otherwise the first loaded instance of that model key.
     */
    synchronized Optional<ModelInstance> route(String modelOrInstanceId) {
        Optional<ModelInstance> exact = readyWhere(i -> i.id().equals(modelOrInstanceId));
        return exact.isPresent() ? exact : readyWhere(i -> i.model().key().equals(modelOrInstanceId));
    }

    /** The first loaded instance that matches, in load order. */
    synchronized Optional<ModelInstance> readyWhere(Predicate<ModelInstance> filter) {
        return instances.stream().filter(i -> i.state() == ModelInstance.State.READY).filter(filter).findFirst();
    }

    /** Loaded instances (not loading ones), in load order. */
    synchronized List<ModelInstance> ready() {
        return select(i -> i.state() == ModelInstance.State.READY);
    }

    /** Bytes held by loading and loaded instances. */
    synchronized long usedBytes() {
        return instances.stream().mapToLong(i -> i.model().sizeBytes()).sum();
    }

    long budgetBytes() {
        return budgetBytes;
    }

    /** Forgets everything (a crash); returns what was there so the caller can shut it down. */
    synchronized List<ModelInstance> clear() {
        List<ModelInstance> all = new ArrayList<>(instances);
        instances.clear();
        return all;
    }

    private List<ModelInstance> select(Predicate<ModelInstance> filter) {
        return instances.stream().filter(filter).toList();
    }

    private String nextId(String key) {
        for (int n = 1; ; n++) {
            String candidate = n == 1 ? key : key + ":" + n;
            if (instances.stream().noneMatch(i -> i.id().equals(candidate))) {
                return candidate;
            }
        }
    }
}
