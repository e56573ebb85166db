package dev.dmap.worker.backend;

import java.util.List;
import java.util.Objects;

/**
 * A model the backend holds in memory.
 *
 * @param model         exact model key
 * @param instanceIds   its loaded instances (more than one means something loaded it twice)
 * @param contextLength context the first instance was loaded with, in tokens
 * @param parallelSlots how many predictions the first instance runs at once; 0 when the server does not say
 * @param sizeBytes     the model's size (LM Studio's {@code size_bytes}: the weights it holds in memory); 0 when
 *                      the server does not say
 */
public record LoadedModel(String model, List<String> instanceIds, int contextLength, int parallelSlots, long sizeBytes) {
    public LoadedModel {
        Objects.requireNonNull(model, "model");
        instanceIds = List.copyOf(instanceIds);
        if (contextLength <= 0) {
            throw new IllegalArgumentException("context length must be positive for " + model);
        }
    }
}
