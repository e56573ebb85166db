package dev.dmap.cli;

import dev.dmap.client.ClientException;
import dev.dmap.client.KafkaTrouble;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.kafka.KafkaFailure;

/**
 * The CLI's words and exit codes for the client library's failures: Kafka missing or refusing the
 * client becomes one line with exit code 3 and what to check (an option, the log file); invalid
 * input exits 2. The clients' own log lines go to the log file ({@link Logging}), so this line is
 * all the console shows.
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

    /** The explanation when {@code error} is (or wraps) a library failure or a Kafka failure; else null. */
    static CliException explainIfKafka(Throwable error, KafkaOptions kafka) {
        for (Throwable cause = error; cause != null; cause = cause.getCause()) {
            if (cause instanceof CliException cli) {
                return cli;
            }
        }
        return KafkaTrouble.explainIfKafka(error, kafka.connection()).map(KafkaFailures::of).orElse(null);
    }

    /** The CLI's line and exit code for a library failure. */
    static CliException of(ClientException failure) {
        if (failure instanceof ClientException.KafkaUnavailable unavailable) {
            return new CliException(ExitCodes.UNREACHABLE, unavailable.atConnect()
                    ? unavailable.getMessage() + ". Start a local broker with `./dmap broker`, or pass --bootstrap-servers" + logHint() + "."
                    : unavailable.getMessage() + logHint());
        }
        if (failure instanceof ClientException.KafkaRefused refused) {
            return new CliException(ExitCodes.UNREACHABLE, refused.getMessage() + advice(refused.failure()));
        }
        if (failure instanceof ClientException.PublishFailed) {
            return new CliException(ExitCodes.UNREACHABLE, failure.getMessage());
        }
        if (failure instanceof ClientException.SubmitTakenOver) {
            return new CliException(ExitCodes.INTERNAL, failure.getMessage());
        }
        if (failure instanceof ClientException.Interrupted) {
            return new CliException(ExitCodes.INTERRUPTED, failure.getMessage());
        }
        if (failure instanceof ClientException.BatchIdTaken) {
            return new CliException(ExitCodes.INVALID_INPUT, failure.getMessage() + "; choose another --batch-id");
        }
        if (failure instanceof ClientException.BatchNotFound) {
            return new CliException(ExitCodes.INVALID_INPUT, failure.getMessage() + " (wrong --batch-id or --topic-prefix?)");
        }
        return new CliException(ExitCodes.INVALID_INPUT, failure.getMessage()); // InvalidInput
    }

    /** What to check when Kafka refuses the client. */
    private static String advice(KafkaFailure failure) {
        return switch (failure) {
            case TLS_HANDSHAKE -> " (check the truststore in --command-config)" + logHint();
            case AUTHENTICATION -> " (check the user and password in --command-config)";
            case AUTHORIZATION -> " (check the ACLs of this user)";
            default -> "";
        };
    }

    static CliException unreachable(KafkaOptions kafka) {
        return of(KafkaTrouble.unreachable(kafka.connection(), null));
    }

    /** The SASL mechanism the client used: {@code sasl.mechanism}, else Kafka's default, GSSAPI. */
    static String mechanism(KafkaOptions kafka) {
        return kafka.connection().saslMechanism();
    }

    private static String logHint() {
        return "; the Kafka client log is " + Logging.currentFile();
    }
}
