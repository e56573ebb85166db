package dev.dmap.gateway.app;

import dev.dmap.client.ClientException;
import dev.dmap.schemas.ExitCodes;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A gateway that cannot start (Kafka unreachable or refusing the credentials, no keys file) says why
 * in one description and one action, as the CLI does, instead of a stack trace; it then exits with
 * the code the CLI uses for the same failure ({@link ExitCodes}).
 */
public final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<ClientException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, ClientException cause) {
        return new FailureAnalysis(cause.getMessage(), isKafka(cause)
                ? "Check --bootstrap-servers and, for a secured cluster, --command-config; then start the gateway again."
                : "See dmap gateway --help.", cause);
    }

    /** The exit code for a failed start: 3 when Kafka cannot be reached or refuses, 2 for bad settings, else 1. */
    static int exitCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ClientException client) {
                return isKafka(client) ? ExitCodes.UNREACHABLE
                        : client instanceof ClientException.InvalidInput ? ExitCodes.INVALID_INPUT : ExitCodes.INTERNAL;
            }
        }
        return ExitCodes.INTERNAL;
    }

    private static boolean isKafka(ClientException failure) {
        return failure instanceof ClientException.KafkaUnavailable || failure instanceof ClientException.KafkaRefused;
    }
}
