package dev.dmap.cli;

import dev.dmap.client.StatusReport;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import java.io.PrintWriter;
import java.time.Clock;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code dmap status [BATCH]}: batches (counts, progress, throughput, ETA), models (backlog, workers). */
@Command(name = "status", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Show batches (status, counts, progress, throughput, ETA) and models (backlog, which worker",
                "serves them, where they are loaded). A readable table, or --json for scripts."})
public class StatusCommand implements Callable<Integer>, KafkaCommand {
    @Mixin
    KafkaOptions kafka;

    @Parameters(arity = "0..1", paramLabel = "BATCH", description = "Only this batch (default: all).")
    String batchId;

    @Option(names = "--group", defaultValue = "${env:DMAP_GROUP_ID:-dmap-workers}",
            description = "The workers' consumer group, for the backlog (default: ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--json", description = "Print JSON instead of tables.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public KafkaOptions kafka() {
        return kafka;
    }

    @Override
    public Integer call() {
        kafka.requireReachable();
        StatusReport report = StatusReport.read(kafka.connection(), group, batchId, Clock.systemUTC());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            out.println(StatusTables.json(report));
        } else {
            StatusTables.print(out, report);
        }
        if (batchId != null && report.batches().isEmpty()) {
            spec.commandLine().getErr().println("dmap: no batch \"" + batchId + "\"");
            return ExitCodes.INVALID_INPUT;
        }
        return ExitCodes.OK;
    }
}
