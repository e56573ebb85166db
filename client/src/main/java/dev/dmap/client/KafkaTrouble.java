package dev.dmap.client;

import dev.dmap.schemas.kafka.KafkaFailure;
import java.util.Locale;
import java.util.Optional;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;

/** Turns what the Kafka clients throw into the library's {@link ClientException}s, classified by {@link KafkaFailure}. */
public final class KafkaTrouble {
    private KafkaTrouble() {
    }

    /** The library's failure for {@code error}, or empty when it is not (and does not wrap) a Kafka failure we know. */
    public static Optional<ClientException> explainIfKafka(Throwable error, KafkaConnection kafka) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientException known) {
                return Optional.of(known);
            }
        }
        return KafkaFailure.classify(error).map(classified -> explain(classified, kafka));
    }

    /** As {@link #explainIfKafka}, with anything else as Kafka failing (retryable: nothing says it is permanent). */
    public static ClientException explain(Throwable error, KafkaConnection kafka) {
        return explainIfKafka(error, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                "Kafka at " + kafka.bootstrapServers() + " failed: " + error, null, false, error));
    }

    /** Kafka gave no answer to the first call within the connection's timeout. */
    public static ClientException.KafkaUnavailable unreachable(KafkaConnection kafka, Throwable cause) {
        return new ClientException.KafkaUnavailable("cannot reach Kafka at " + kafka.bootstrapServers() + " (no answer within "
                + Durations.text(kafka.timeout()) + ")", null, true, cause);
    }

    private static ClientException explain(KafkaFailure.Classified classified, KafkaConnection kafka) {
        Throwable cause = classified.cause();
        String servers = kafka.bootstrapServers();
        return switch (classified.failure()) {
            case TLS_HANDSHAKE -> new ClientException.KafkaRefused("the TLS handshake with Kafka at " + servers + " failed: "
                    + cause.getMessage(), classified.failure(), cause);
            case AUTHENTICATION -> new ClientException.KafkaRefused("Kafka at " + servers + " refused authentication with SASL "
                    + "mechanism " + mechanism(kafka) + ": " + cause.getMessage(), classified.failure(), cause);
            case AUTHORIZATION -> new ClientException.KafkaRefused("Kafka at " + servers + " denied the operation: "
                    + cause.getMessage(), classified.failure(), cause);
            case UNSUPPORTED_VERSION, INVALID_CONFIGURATION, FENCED_INSTANCE -> new ClientException.KafkaRefused("Kafka at "
                    + servers + " refused the client: " + cause.getMessage(), classified.failure(), cause);
            case TIMED_OUT -> new ClientException.KafkaUnavailable("Kafka at " + servers + " did not answer in time ("
                    + cause.getMessage() + ")", classified.failure(), false, cause);
            default -> new ClientException.KafkaUnavailable("Kafka at " + servers + " is not available for now ("
                    + cause.getMessage() + ")", classified.failure(), false, cause);
        };
    }

    /** The SASL mechanism the client used: {@code sasl.mechanism}, else Kafka's default, GSSAPI. */
    static String mechanism(KafkaConnection kafka) {
        Object mechanism = kafka.properties().get(SaslConfigs.SASL_MECHANISM);
        if (mechanism != null) {
            return mechanism.toString().toUpperCase(Locale.ROOT);
        }
        Object protocol = kafka.properties().get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        return protocol != null && protocol.toString().toUpperCase(Locale.ROOT).startsWith("SASL")
                ? SaslConfigs.DEFAULT_SASL_MECHANISM : "(none configured)";
    }
}
