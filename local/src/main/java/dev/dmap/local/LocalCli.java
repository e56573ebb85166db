package dev.dmap.local;

import dev.dmap.cli.CancelCommand;
import dev.dmap.cli.CliVersion;
import dev.dmap.cli.CollectCommand;
import dev.dmap.cli.DlqCommand;
import dev.dmap.cli.StatusCommand;
import dev.dmap.cli.DmapCli;
import dev.dmap.cli.SubmitCommand;
import dev.dmap.devkit.broker.BrokerCommand;
import dev.dmap.devkit.emulator.SimCommand;
import picocli.CommandLine.Command;

/**
 * {@code dmap} with the local commands: {@code run} (everything in one process), {@code serve} (the
 * same, serving OpenAI's Batch API until Ctrl-C), {@code broker} and {@code sim} (the pieces of a
 * local setup), {@code real-engine}, plus the producer commands. {@code bench} is a module of its own.
 */
@Command(name = "dmap", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "Model-aware batch LLM inference over Kafka.",
        subcommands = {RunCommand.class, ServeCommand.class, BrokerCommand.class, SimCommand.class, RealEngineCommand.class,
            SubmitCommand.class, CollectCommand.class, StatusCommand.class, CancelCommand.class, DlqCommand.class})
public class LocalCli {
    public static void main(String[] args) {
        // Servers in the foreground show their log; `run` keeps the terminal for progress and the summary.
        boolean server = args.length > 0 && (args[0].equals("broker") || args[0].equals("sim"));
        System.setProperty("dmap.log.console", System.getProperty("dmap.log.console", server ? "INFO" : "OFF"));
        System.exit(DmapCli.commandLine(new LocalCli()).execute(args));
    }
}
