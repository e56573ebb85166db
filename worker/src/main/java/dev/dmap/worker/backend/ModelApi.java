package dev.dmap.worker.backend;

/**
 * The model-management side of a backend: what it has, load, unload. LM Studio's native REST
 * API implements it ({@link LmStudioClient}); other servers can, and tests use a fake.
 */
public interface ModelApi {
    /** Every available model and what is loaded now. */
    ModelListing listModels();

    /** Loads a model and returns when it is loaded. */
    void load(String model);

    /** Unloads one loaded instance. */
    void unload(String instanceId);
}
