package dev.dmap.cli;

import dev.dmap.schemas.BatchCommand;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmap cancel BATCH}: workers stop serving the batch; its remaining requests end as batch_cancelled. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Cancel a batch: within seconds workers stop calling the backend for its remaining requests,",
                "which end as dead letters with batch_cancelled; the batch moves through cancelling to cancelled."})
public class CancelCommand implements Callable<Integer> {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "BATCH", description = "The batch id.")
    String batchId;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        BatchIds.require(batchId);
        if (BatchCommands.created(kafka, batchId).isEmpty()) {
            throw new CliException(ExitCodes.INVALID_INPUT, "no batch \"" + batchId + "\" (wrong id or --topic-prefix?)");
        }
        Clock clock = Clock.systemUTC();
        new Submitter(kafka, clock).command(BatchCommand.cancel(batchId, clock.instant()));
        spec.commandLine().getErr().printf("Cancel requested for %s: its remaining requests end as batch_cancelled. "
                + "Follow it with: dmap status %s%n", batchId, batchId);
        return ExitCodes.OK;
    }
}
