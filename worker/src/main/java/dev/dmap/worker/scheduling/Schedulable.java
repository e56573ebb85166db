package dev.dmap.worker.scheduling;

/** Something waiting to be served: it has an arrival order and a model. */
public interface Schedulable {
    /** Arrival order across every partition; lower arrived first. */
    long seq();

    /** The exact model id it needs. */
    String model();
}
