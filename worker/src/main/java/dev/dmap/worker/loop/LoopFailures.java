package dev.dmap.worker.loop;

import java.time.Duration;
import dev.dmap.schemas.kafka.KafkaFailure;
import org.apache.kafka.common.KafkaException;

/**
 * Which Kafka failures in the consumer loop are survived and which stop the worker, and when to
 * say so: the first failure of a run of them is logged, the rest only counted, so an outage of
 * an hour writes a handful of lines rather than thousands.
 */
final class LoopFailures {
    /** Once a run of failures lasts this long, it is logged again. */
    private static final Duration REMIND = Duration.ofMinutes(1);

    private int consecutive;
    private long lastLogNanos;

    /**
     * Failures that waiting cannot heal ({@link KafkaFailure}'s permanent ones): another worker with
     * this id, credentials or ACLs the broker refuses, a broker too old, a configuration it rejects.
     */
    static boolean isFatal(KafkaException e) {
        return KafkaFailure.isPermanent(e);
    }

    /** Counts a failure; true when it should be logged. */
    boolean failed(KafkaException e) {
        long now = System.nanoTime();
        if (consecutive++ == 0) {
            lastLogNanos = now;
            return true;
        }
        if (now - lastLogNanos >= REMIND.toNanos()) {
            lastLogNanos = now;
            return true;
        }
        return false;
    }

    /** A loop iteration went through: the run of failures, if any, is over. */
    void succeeded() {
        consecutive = 0;
    }
}
