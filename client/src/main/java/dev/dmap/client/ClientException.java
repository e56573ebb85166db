package dev.dmap.client;

import dev.dmap.schemas.kafka.KafkaFailure;

/**
 * What the client library fails with: a closed set, each saying whether trying again later can
 * succeed. Messages speak to any caller (a terminal, an HTTP client, a log): they name what is
 * wrong and where, never a command-line option; each front end adds its own advice and maps the
 * type to its own reaction (the CLI to an exit code, the gateway to an HTTP status or a failed batch).
 */
public abstract sealed class ClientException extends RuntimeException {

    ClientException(String message, Throwable cause) {
        super(message, cause, false, false);
    }

    /** Whether the same call may succeed later without anyone changing anything. */
    public abstract boolean retryable();

    /**
     * Kafka did not answer, or answered with a failure that heals by waiting ({@link KafkaFailure}'s
     * retryable ones).
     */
    public static final class KafkaUnavailable extends ClientException {
        private final KafkaFailure failure;
        private final boolean atConnect;

        /**
         * @param failure   the classified failure, or null when no answer came at all
         * @param atConnect whether the first contact failed (nothing was attempted yet)
         */
        public KafkaUnavailable(String message, KafkaFailure failure, boolean atConnect, Throwable cause) {
            super(message, cause);
            this.failure = failure;
            this.atConnect = atConnect;
        }

        /** The classified failure, or null when Kafka gave no answer at all. */
        public KafkaFailure failure() {
            return failure;
        }

        /** Whether Kafka could not be reached at the first contact. */
        public boolean atConnect() {
            return atConnect;
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /** Kafka refused the client: credentials, TLS, ACLs, a version or a configuration ({@link KafkaFailure}'s permanent ones). */
    public static final class KafkaRefused extends ClientException {
        private final KafkaFailure failure;

        public KafkaRefused(String message, KafkaFailure failure, Throwable cause) {
            super(message, cause);
            this.failure = failure;
        }

        public KafkaFailure failure() {
            return failure;
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** The input is unusable: a file missing, unreadable or changed, an id not allowed, a setting out of range. */
    public static final class InvalidInput extends ClientException {
        public InvalidInput(String message) {
            super(message, null);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** A batch with this id was submitted before with another file: the id cannot be used again. */
    public static final class BatchIdTaken extends ClientException {
        public BatchIdTaken(String message) {
            super(message, null);
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /** No batch with this id was ever submitted (on these topics). */
    public static final class BatchNotFound extends ClientException {
        private final String batchId;

        public BatchNotFound(String batchId, String message) {
            super(message, null);
            this.batchId = batchId;
        }

        public String batchId() {
            return batchId;
        }

        @Override
        public boolean retryable() {
            return false;
        }
    }

    /**
     * Another submit of the same batch fenced this one: it publishes the batch now. Trying again finds
     * the batch published (or finishes it).
     */
    public static final class SubmitTakenOver extends ClientException {
        public SubmitTakenOver(String message) {
            super(message, null);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }

    /**
     * Publishing a batch's requests failed before its transaction committed: nothing of it is visible
     * to workers, and submitting the same batch again publishes it. Retryable as its cause is.
     */
    public static final class PublishFailed extends ClientException {
        private final String batchId;
        private final ClientException kafka;

        public PublishFailed(String batchId, ClientException kafka) {
            super("publishing batch " + batchId + " failed: " + kafka.getMessage() + ". Nothing of it is visible to workers "
                    + "(its transaction was not committed); running the same submit again publishes it", kafka);
            this.batchId = batchId;
            this.kafka = kafka;
        }

        public String batchId() {
            return batchId;
        }

        /** Why: {@link KafkaUnavailable} or {@link KafkaRefused}. */
        public ClientException kafka() {
            return kafka;
        }

        @Override
        public boolean retryable() {
            return kafka.retryable();
        }
    }

    /** The calling thread was interrupted; nothing more was done. */
    public static final class Interrupted extends ClientException {
        public Interrupted() {
            super("interrupted", null);
        }

        @Override
        public boolean retryable() {
            return true;
        }
    }
}
