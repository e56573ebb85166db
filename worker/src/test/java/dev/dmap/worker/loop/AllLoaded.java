package dev.dmap.worker.loop;

import java.util.Set;

/** A GPU for loop tests: every one of {@code models} is loaded, with {@code slotsEach} slots each. */
record AllLoaded(int slotsEach, Set<String> models) implements Capacity {
    @Override
    public int slots(String model) {
        return slotsEach;
    }

    @Override
    public boolean isLoaded(String model) {
        return true;
    }

    @Override
    public boolean isMissing(String model) {
        return false;
    }

    @Override
    public Set<String> loadedModels() {
        return models;
    }

    @Override
    public Set<String> availableModels() {
        return models;
    }

    @Override
    public int maxLoadedModels() {
        return models.size();
    }

    @Override
    public long loadCount() {
        return 0;
    }
}
