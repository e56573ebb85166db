package dev.dmap.cli;

import dev.dmap.schemas.ExitCodes;
import java.util.Locale;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.common.config.SaslConfigs;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * Turns what the Kafka clients throw when a broker is missing or refuses the client into one line
 * the user can act on, with exit code 3. The clients' own log lines go to the log file
 * ({@link Logging}), so this line is all the console shows.
 */
final class KafkaFailures {
    private KafkaFailures() {
    }

    /** The explanation of {@code error}, or of the Kafka failure it wraps; an unknown error as exit 1. */
    static CliException explain(Throwable error, KafkaOptions kafka) {
        CliException known = explainIfKafka(error, kafka);
        return known != null ? known
                : new CliException(ExitCodes.INTERNAL, "Kafka at " + kafka.bootstrapServers() + " failed: " + error);
    }

    /** The explanation when {@code error} is (or wraps) an authentication, authorization or timeout failure; else null. */
    static CliException explainIfKafka(Throwable error, KafkaOptions kafka) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CliException cli) {
                return cli;
            }
            if (cause instanceof SslAuthenticationException) {
                return new CliException(ExitCodes.UNREACHABLE, "the TLS handshake with Kafka at " + kafka.bootstrapServers()
                        + " failed: " + cause.getMessage() + " (check the truststore in --command-config)" + logHint());
            }
            if (cause instanceof AuthenticationException) {
                return new CliException(ExitCodes.UNREACHABLE, "Kafka at " + kafka.bootstrapServers()
                        + " refused authentication with SASL mechanism " + mechanism(kafka) + ": " + cause.getMessage()
                        + " (check the user and password in --command-config)");
            }
            if (cause instanceof AuthorizationException) {
                return new CliException(ExitCodes.UNREACHABLE, "Kafka at " + kafka.bootstrapServers()
                        + " denied the operation: " + cause.getMessage() + " (check the ACLs of this user)");
            }
            if (cause instanceof TimeoutException) {
                return new CliException(ExitCodes.UNREACHABLE, "Kafka at " + kafka.bootstrapServers() + " did not answer in time ("
                        + cause.getMessage() + ")" + logHint());
            }
        }
        return null;
    }

    static CliException unreachable(KafkaOptions kafka) {
        return new CliException(ExitCodes.UNREACHABLE, "cannot reach Kafka at " + kafka.bootstrapServers() + " (no answer within "
                + DurationText.of(kafka.kafkaTimeout()) + "). Start a local broker with `./dmap broker`, or pass --bootstrap-servers"
                + logHint() + ".");
    }

    /** The SASL mechanism the client used: {@code sasl.mechanism}, else Kafka's default, GSSAPI. */
    static String mechanism(KafkaOptions kafka) {
        Object mechanism = kafka.clientProperties().get(SaslConfigs.SASL_MECHANISM);
        if (mechanism != null) {
            return mechanism.toString().toUpperCase(Locale.ROOT);
        }
        Object protocol = kafka.clientProperties().get(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG);
        return protocol != null && protocol.toString().toUpperCase(Locale.ROOT).startsWith("SASL")
                ? SaslConfigs.DEFAULT_SASL_MECHANISM : "(none configured)";
    }

    private static String logHint() {
        return "; the Kafka client log is " + Logging.currentFile();
    }
}
