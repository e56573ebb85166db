package dev.dmap.worker.backend;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** An in-memory backend that records what was asked of it; inference is not its business. */
final class FakeBackend implements Backend {
    final Set<String> available = new HashSet<>();
    final Map<String, LoadedModel> loaded = new HashMap<>();
    final List<String> calls = new ArrayList<>();
    private final Clock clock;
    RuntimeException failNextLoad;
    /** When set, a load counts {@code loadStarted} down and then waits for {@code loadGate}. */
    java.util.concurrent.CountDownLatch loadStarted;
    java.util.concurrent.CountDownLatch loadGate;

    /** What the server says it holds at most (llama-server's router); 0 = it does not say. */
    int maxLoaded;

    FakeBackend(Clock clock, String... models) {
        this.clock = clock;
        available.addAll(List.of(models));
    }

    @Override
    public String describe() {
        return "fake backend";
    }

    @Override
    public boolean controlsLoading() {
        return true;
    }


    @Override
    public HttpReply infer(String path, byte[] body, Map<String, String> headers) {
        throw new UnsupportedOperationException("FakeBackend serves no inference");
    }


    @Override
    public synchronized ModelListing listModels() {
        return new ModelListing(available, loaded, maxLoaded, clock.instant());
    }

    @Override
    public void load(String model) {
        if (loadGate != null) {
            loadStarted.countDown();
            try {
                loadGate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        loadNow(model);
    }

    private synchronized void loadNow(String model) {
        calls.add("load " + model);
        if (failNextLoad != null) {
            RuntimeException failure = failNextLoad;
            failNextLoad = null;
            throw failure;
        }
        loaded.put(model, new LoadedModel(model, List.of(model), 4096, 4, 0));
    }

    @Override
    public synchronized void unload(String instanceId) {
        calls.add("unload " + instanceId);
        if (loaded.remove(instanceId) == null) {
            // LM Studio's answer for an instance it does not hold
            throw new PermanentFailure(dev.dmap.schemas.ErrorCode.MODEL_NOT_FOUND,
                    "404: No loaded model instance with id \"" + instanceId + "\".", null);
        }
    }

    /** The backend lost every loaded model (it restarted, or unloaded them by itself). */
    synchronized void forgetLoaded() {
        loaded.clear();
    }
}
