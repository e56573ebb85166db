package dev.dmap.worker.scheduling;

import java.time.Instant;

/** Something waiting to be served: it has an arrival order, a model and an age. */
public interface Schedulable {
    /** Arrival order across every partition; lower arrived first. */
    long seq();

    /** The exact model id it needs. */
    String model();

    /** Since when it has been waiting: its submission time when known, else when it was fetched. */
    java.time.Instant waitingSince();
}
