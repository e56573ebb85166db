package dev.dmap.worker.scheduling;

import java.time.Instant;

/** Something waiting to be served: it has an arrival order, a model, an age, a deadline and a priority. */
public interface Schedulable {
    /** Arrival order across every partition; lower arrived first. */
    long seq();

    /** The exact model id it needs. */
    String model();

    /** Since when it has been waiting: its submission time when known, else when it was fetched. */
    Instant waitingSince();

    /** When it must be served by ({@link Deadlines}). */
    Instant deadline();

    /** The key of its long prompt prefix ({@link dev.dmap.schemas.PromptPrefix}), if it has one. */
    default java.util.OptionalInt prefix() {
        return java.util.OptionalInt.empty();
    }

    /** Higher goes first; 0 by default. */
    default int priority() {
        return 0;
    }
}
