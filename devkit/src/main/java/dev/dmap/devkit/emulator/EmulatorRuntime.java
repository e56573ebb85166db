package dev.dmap.devkit.emulator;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The state of one server run, from start (or restart) to crash: what is loaded and every
 * call in progress. A crash aborts the run: every call is cancelled (its thread wakes at once
 * and finds its connection gone) and every instance is forgotten, so a restart begins with
 * nothing loaded, like a restarted LM Studio. Counters and faults live outside, in the emulator.
 */
final class EmulatorRuntime {
    final EmulatedResidency residency;
    final ModelLoader loader;
    final InferenceEngine engine;
    private final Set<Cancellation> calls = ConcurrentHashMap.newKeySet();
    private volatile boolean aborted;

    EmulatorRuntime(EmulatorConfig config, StatsRecorder stats, ContentGenerator content) {
        SimulatedTime time = new SimulatedTime(config.timeScale());
        this.residency = new EmulatedResidency(config.memoryBudgetBytes());
        this.loader = new ModelLoader(config, residency, time, stats);
        this.engine = new InferenceEngine(config, residency, loader, time, stats, content);
    }

    /** Registers a new call; it is born cancelled if the run is already over. */
    Cancellation open() {
        Cancellation call = new Cancellation();
        calls.add(call);
        if (aborted) {
            call.cancel(Cancellation.Reason.SERVER_CRASHED);
        }
        return call;
    }

    void close(Cancellation call) {
        calls.remove(call);
    }

    /** Ends the run: cancels every call, forgets every instance. */
    void abort() {
        aborted = true;
        calls.forEach(call -> call.cancel(Cancellation.Reason.SERVER_CRASHED));
        residency.clear().forEach(instance -> instance.shutDown(Cancellation.Reason.SERVER_CRASHED));
    }

    /** Ids of loaded instances, in load order. */
    List<String> loadedInstanceIds() {
        return residency.ready().stream().map(ModelInstance::id).toList();
    }
}
