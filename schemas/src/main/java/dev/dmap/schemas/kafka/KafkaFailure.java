package dev.dmap.schemas.kafka;

import java.util.Optional;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.BrokerNotAvailableException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.DisconnectException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidConfigurationException;
import org.apache.kafka.common.errors.LeaderNotAvailableException;
import org.apache.kafka.common.errors.NetworkException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.NotEnoughReplicasAfterAppendException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;

/**
 * The one classification of what the Kafka clients throw, shared by the worker, the client library,
 * the CLI and the gateway: <em>retryable</em> failures heal by waiting (a broker away, a leader or
 * coordinator moving, too few replicas in sync for a while), <em>permanent</em> ones do not (the
 * broker refuses who we are or what we ask, or cannot speak our protocol). Each component maps the
 * class to its own reaction: the worker pauses or exits 70, the CLI exits 3, the gateway retries a
 * publication or fails the batch with a message for an API user.
 */
public enum KafkaFailure {
    /** No answer within the client's timeout: the broker is away or overloaded; it may come back. */
    TIMED_OUT(true),
    /** The connection dropped or no broker or leader is available: a restart or failover in progress. */
    BROKER_UNAVAILABLE(true),
    /** Fewer replicas in sync than {@code min.insync.replicas}: writes wait until a replica catches up. */
    NOT_ENOUGH_REPLICAS(true),
    /** The group or transaction coordinator moved or is loading: the client finds the new one. */
    COORDINATOR_MOVED(true),
    /** Another failure Kafka marks retriable ({@link RetriableException}). */
    OTHER_RETRIABLE(true),
    /** The TLS handshake failed (an untrusted certificate, a wrong truststore): waiting changes nothing. */
    TLS_HANDSHAKE(false),
    /** The broker refused the credentials (SASL): waiting changes nothing until they are fixed. */
    AUTHENTICATION(false),
    /** The broker's ACLs deny the operation: waiting changes nothing until an operator grants it. */
    AUTHORIZATION(false),
    /** The broker cannot speak the protocol version the client needs (a broker too old). */
    UNSUPPORTED_VERSION(false),
    /** The broker rejects a configuration the client asked for (a topic setting, a client property). */
    INVALID_CONFIGURATION(false),
    /** Another consumer uses this static group instance id: two workers were given one id. */
    FENCED_INSTANCE(false);

    private final boolean retryable;

    KafkaFailure(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether waiting and trying again can succeed. */
    public boolean retryable() {
        return retryable;
    }

    /**
     * A failure classified, with the exception that decided it.
     *
     * @param failure its class
     * @param cause   the exception in the chain that was classified
     */
    public record Classified(KafkaFailure failure, Throwable cause) {
        public boolean retryable() {
            return failure.retryable();
        }
    }

    /** The class of the first Kafka failure in {@code error}'s cause chain; empty when none is one we know. */
    public static Optional<Classified> classify(Throwable error) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            KafkaFailure failure = of(cause);
            if (failure != null) {
                return Optional.of(new Classified(failure, cause));
            }
        }
        return Optional.empty();
    }

    /** Whether {@code error} (or a cause of it) is a Kafka failure that waiting cannot heal. */
    public static boolean isPermanent(Throwable error) {
        return classify(error).map(classified -> !classified.retryable()).orElse(false);
    }

    private static KafkaFailure of(Throwable e) {
        if (e instanceof SslAuthenticationException) {
            return TLS_HANDSHAKE;
        }
        if (e instanceof AuthenticationException) {
            return AUTHENTICATION;
        }
        if (e instanceof AuthorizationException) {
            return AUTHORIZATION;
        }
        if (e instanceof UnsupportedVersionException) {
            return UNSUPPORTED_VERSION;
        }
        if (e instanceof InvalidConfigurationException) {
            return INVALID_CONFIGURATION;
        }
        if (e instanceof FencedInstanceIdException) {
            return FENCED_INSTANCE;
        }
        if (e instanceof TimeoutException) {
            return TIMED_OUT;
        }
        if (e instanceof NetworkException || e instanceof DisconnectException || e instanceof BrokerNotAvailableException
                || e instanceof LeaderNotAvailableException || e instanceof NotLeaderOrFollowerException) {
            return BROKER_UNAVAILABLE;
        }
        if (e instanceof NotEnoughReplicasException || e instanceof NotEnoughReplicasAfterAppendException) {
            return NOT_ENOUGH_REPLICAS;
        }
        if (e instanceof CoordinatorNotAvailableException || e instanceof NotCoordinatorException
                || e instanceof CoordinatorLoadInProgressException) {
            return COORDINATOR_MOVED;
        }
        return e instanceof RetriableException ? OTHER_RETRIABLE : null;
    }
}
