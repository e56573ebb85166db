package dev.dmap.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.cli.DmapCli;
import dev.dmap.schemas.ExitCodes;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import picocli.CommandLine;

/** `dmap submit` and `dmap collect` run in-process against a broker, failing the test with the CLI's own error text. */
final class CliRuns {
    private CliRuns() {
    }

    /** Submits {@code file} and returns the batch id it printed. */
    static String submit(String bootstrapServers, Path file) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine submit = DmapCli.commandLine(new DmapCli());
        submit.setOut(new PrintWriter(out, true));
        submit.setErr(new PrintWriter(err, true));
        assertThat(submit.execute("submit", "--bootstrap-servers=" + bootstrapServers, "--no-progress", file.toString()))
                .as(err.toString()).isEqualTo(ExitCodes.OK);
        return out.toString().trim();
    }

    /** Collects a batch into {@code output} (errors beside it), waiting at most 5 minutes for it to complete. */
    static void collect(String bootstrapServers, String batchId, Path output) {
        StringWriter err = new StringWriter();
        CommandLine collect = DmapCli.commandLine(new DmapCli());
        collect.setErr(new PrintWriter(err, true));
        assertThat(collect.execute("collect", "--bootstrap-servers=" + bootstrapServers, "--no-progress", "--batch-id", batchId,
                "-o", output.toString(), "--timeout", "5m")).as(err.toString()).isEqualTo(ExitCodes.OK);
    }
}
