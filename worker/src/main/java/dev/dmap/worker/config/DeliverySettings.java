package dev.dmap.worker.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How terminal records and consumed offsets reach Kafka.
 *
 * @param mode                exactly-once (the default) or at-least-once
 * @param transactionInterval exactly-once: how often the open transaction commits; results become
 *                            visible to read_committed readers at that pace
 */
public record DeliverySettings(Mode mode, Duration transactionInterval) {

    /** Delivery guarantees. */
    public enum Mode {
        /**
         * Results, dead letters and consumed offsets in one Kafka transaction (read-process-write):
         * read_committed readers see every request's terminal record exactly once, crashes included.
         */
        EXACTLY_ONCE,
        /**
         * Each terminal record is acknowledged before its offset is committed: nothing is lost, but a
         * crash between the two publishes that request's outcome again; readers dedup by request id.
         */
        AT_LEAST_ONCE
    }

    public static final Mode DEFAULT_MODE = Mode.EXACTLY_ONCE;
    public static final Duration DEFAULT_TRANSACTION_INTERVAL = Duration.ofMillis(100);

    /** A missing (null) mode or interval takes its default. */
    public DeliverySettings {
        mode = mode != null ? mode : DEFAULT_MODE;
        transactionInterval = transactionInterval != null ? transactionInterval : DEFAULT_TRANSACTION_INTERVAL;
        Durations.requirePositive(transactionInterval, "transactionInterval");
    }

    public static DeliverySettings defaults() {
        return new DeliverySettings(null, null);
    }

    public static DeliverySettings of(Mode mode) {
        return new DeliverySettings(mode, null);
    }
}
