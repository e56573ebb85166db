package dev.dmap.cli;

import dev.dmap.client.BatchIds;
import dev.dmap.client.Cancellation;
import dev.dmap.client.ClientException;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.ExitCodes;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmap cancel BATCH}: workers stop serving the batch; its remaining requests end as batch_cancelled. */
@Command(name = "cancel", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Cancel a batch: within seconds workers stop calling the backend for its remaining requests,",
                "which end as dead letters with batch_cancelled; the batch moves through cancelling to cancelled."})
public class CancelCommand implements Callable<Integer>, KafkaCommand {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "BATCH", description = "The batch id.")
    String batchId;

    @Spec
    CommandSpec spec;

    @Override
    public KafkaOptions kafka() {
        return kafka;
    }

    @Override
    public Integer call() {
        kafka.requireReachable();
        BatchIds.require(batchId);
        Cancellation.Outcome outcome;
        try {
            outcome = new Cancellation(kafka.connection(), Clock.systemUTC()).cancel(batchId);
        } catch (ClientException.BatchNotFound e) {
            throw new CliException(ExitCodes.INVALID_INPUT, "no batch \"" + batchId + "\" (wrong id or --topic-prefix?)");
        }
        if (outcome instanceof Cancellation.Outcome.AlreadyEnded ended) {
            BatchState state = ended.state();
            spec.commandLine().getErr().printf("Batch %s has already ended: %s%s%s; nothing to cancel.%n", batchId,
                    state.status(), state.outcome() == null ? "" : " (" + state.outcome() + ")", endedAt(state));
        } else if (outcome instanceof Cancellation.Outcome.AlreadyCancelling cancelling) {
            spec.commandLine().getErr().printf("Batch %s is already being cancelled (asked at %s). Follow it with: dmap status %s%n",
                    batchId, cancelling.state().cancellingAt(), batchId);
        } else {
            spec.commandLine().getErr().printf("Cancel requested for %s: its remaining requests end as batch_cancelled. "
                    + "Follow it with: dmap status %s%n", batchId, batchId);
        }
        return ExitCodes.OK;
    }

    private static String endedAt(BatchState state) {
        java.time.Instant at = switch (state.batchStatus()) {
            case COMPLETED -> state.completedAt();
            case EXPIRED -> state.expiredAt();
            case CANCELLED -> state.cancelledAt();
            default -> state.finalizingAt();
        };
        return at == null ? "" : " at " + at;
    }
}
