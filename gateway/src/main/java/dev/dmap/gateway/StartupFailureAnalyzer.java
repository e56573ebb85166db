package dev.dmap.gateway;

import dev.dmap.cli.CliException;
import dev.dmap.schemas.ExitCodes;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * A gateway that cannot start (Kafka unreachable or refusing the credentials, no keys file) says why
 * in one description and one action, as the CLI does, instead of a stack trace; it then exits with
 * the CLI's code for it ({@link ExitCodes}).
 */
public final class StartupFailureAnalyzer extends AbstractFailureAnalyzer<CliException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, CliException cause) {
        return new FailureAnalysis(cause.getMessage(), cause.exitCode() == ExitCodes.UNREACHABLE
                ? "Check --bootstrap-servers and, for a secured cluster, --command-config; then start the gateway again."
                : "See dmap gateway --help.", cause);
    }

    /** The exit code for a failed start: the CLI's code when it is one of its failures, else 1. */
    static int exitCode(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CliException cli) {
                return cli.exitCode();
            }
        }
        return ExitCodes.INTERNAL;
    }
}
