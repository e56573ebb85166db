package dev.dmap.gateway.batches;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Background work that cannot die silently: whatever a task throws is logged with what the task was,
 * and the thread (and a periodic task's schedule) lives on. A scheduled task that throws is never
 * run again and its exception waits unread in a future: without this, a sweep could stop for good
 * with no line in the log. The JVM's own failures ({@link VirtualMachineError}: out of memory) are
 * not caught: the gateway runs with {@code -XX:+ExitOnOutOfMemoryError} and exits saying so.
 */
public final class Guarded {
    private static final Logger log = LoggerFactory.getLogger(Guarded.class);

    private Guarded() {
    }

    /** {@code task}, logging anything it throws as the failure of {@code what}. */
    public static Runnable task(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (VirtualMachineError e) {
                throw e;
            } catch (Throwable e) {
                log.error("{} failed unexpectedly; it goes on", what, e);
            }
        };
    }
}
