package dev.dmap.worker.loop;

import java.time.Duration;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

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
     * Failures that waiting cannot heal: another worker with this id, credentials or ACLs the
     * broker refuses, a broker too old, a configuration it rejects.
     */
    static boolean isFatal(KafkaException e) {
        return e instanceof FencedInstanceIdException || e instanceof AuthenticationException
                || e instanceof AuthorizationException || e instanceof UnsupportedVersionException
                || e instanceof InvalidConfigurationException;
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
