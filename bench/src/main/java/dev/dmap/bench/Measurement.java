package dev.dmap.bench;

import java.time.Instant;

/**
 * What happened to one benchmark request.
 *
 * @param customId  its id
 * @param model     its model
 * @param worker    the worker that served it
 * @param submitted when it was published
 * @param started   when a worker started on it
 * @param callStart when its backend call began (after any model load)
 * @param completed when its result was ready
 * @param backendMs time in the backend call
 */
public record Measurement(String customId, String model, String worker, Instant submitted, Instant started,
        Instant callStart, Instant completed, long backendMs) {
}
