package dev.dmap.worker.kafka;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.KafkaSettings;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the results, dead-letter and batches topics when they are missing, so the first outcome
 * has somewhere to go. It is the worker's first Kafka call, so it is where wrong credentials show:
 * a refused login, a failed TLS handshake or a missing ACL is logged as one ERROR that names the
 * SASL mechanism (or the truststore, or the ACL) and the settings to check, and start-up fails
 * with {@link Refused}, since waiting cannot heal it.
 */
public final class OutputTopics {
    private static final Logger log = LoggerFactory.getLogger(OutputTopics.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(2);

    private OutputTopics() {
    }

    public static void ensure(KafkaSettings settings, Topics topics) {
        Admin admin = Admin.create(ClientProperties.admin(settings));
        try {
            new TopicProvisioner(admin, topics, TopicProvisioner.REQUEST_PARTITIONS, Limits.DEFAULT_MAX_REQUEST_BYTES,
                    settings.replication()).ensureOutputs();
            ReplicationCheck.warnIfUnderReplicated(admin, topics);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not make dmap's topics ready", e);
        } catch (RuntimeException e) {
            String refusal = refusal(e, settings);
            if (refusal == null) {
                throw e;
            }
            log.error("Cannot start: {}", refusal);
            throw new Refused(refusal, e);
        } finally {
            admin.close(CLOSE_TIMEOUT); // not close(): it waits for calls still retrying against a broker that is away
        }
    }

    /**
     * Kafka refused the worker at start-up: wrong credentials, an untrusted certificate, missing
     * ACLs. Its message says what to check and holds no secret; the app layer may report it without
     * a stack trace.
     */
    public static final class Refused extends IllegalStateException {
        private static final long serialVersionUID = 1L;

        Refused(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** What the broker refused and what to check, when {@code error} is (or wraps) a security failure; else null. */
    static String refusal(Throwable error, KafkaSettings settings) {
        String kafka = "Kafka at " + settings.bootstrapServers();
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof SslAuthenticationException) {
                return "the TLS handshake with " + kafka + " failed: " + cause.getMessage()
                        + " (check dmap.kafka.properties.ssl.truststore.*)";
            }
            if (cause instanceof AuthenticationException) {
                return kafka + " refused authentication with SASL mechanism " + mechanism(settings) + ": "
                        + cause.getMessage() + " (check the user and password in dmap.kafka.properties.sasl.jaas.config)";
            }
            if (cause instanceof AuthorizationException) {
                return kafka + " denied creating or describing dmap's topics: " + cause.getMessage()
                        + " (check the ACLs of the worker's user)";
            }
        }
        return null;
    }

    /** {@code sasl.mechanism}, else Kafka's default (GSSAPI) on a SASL protocol, as the clients pick it. */
    static String mechanism(KafkaSettings settings) {
        String mechanism = settings.clientProperties().get(SaslConfigs.SASL_MECHANISM);
        if (mechanism != null) {
            return mechanism.toUpperCase(Locale.ROOT);
        }
        String protocol = settings.clientProperties().getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
        return protocol.toUpperCase(Locale.ROOT).startsWith("SASL") ? SaslConfigs.DEFAULT_SASL_MECHANISM
                : "(none: security.protocol is " + protocol + ")";
    }
}
