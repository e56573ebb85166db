package dev.dmap.cli;

import dev.dmap.client.ClientException;
import dev.dmap.schemas.ExitCodes;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code dmap} command line for producers: submit batches, collect their results. */
@Command(name = "dmap", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "Model-aware batch LLM inference over Kafka.",
        subcommands = {SubmitCommand.class, CollectCommand.class, StatusCommand.class, CancelCommand.class, DlqCommand.class,
                CacheCommand.class})
public class DmapCli {
    public static void main(String[] args) {
        System.exit(commandLine(new DmapCli()).execute(args));
    }

    /**
     * A command line with dmap's error handling: a {@link CliException} prints its message and sets
     * the exit code; a client library failure, or a Kafka client's timeout or authentication failure,
     * becomes the one-line message and exit code of {@link KafkaFailures}.
     */
    public static CommandLine commandLine(Object command) {
        Logging.quietDefaults();
        CommandLine commandLine = new CommandLine(command);
        commandLine.setUsageHelpWidth(100); // descriptions are written in lines of up to 100 characters
        commandLine.getCommandSpec().usageMessage().exitCodeListHeading("%nExit codes:%n").exitCodeList(ExitCodes.HELP);
        commandLine.setExecutionExceptionHandler((error, cmd, parsed) -> {
            CliException cli = error instanceof CliException known ? known
                    : error instanceof ClientException failure ? KafkaFailures.of(failure)
                    : cmd.getCommand() instanceof KafkaCommand kafkaCommand && kafkaCommand.kafka() != null
                            ? KafkaFailures.explainIfKafka(error, kafkaCommand.kafka()) : null;
            if (cli != null) {
                cmd.getErr().println("dmap: " + cli.getMessage());
                return cli.exitCode();
            }
            cmd.getErr().println("dmap: unexpected error: " + error);
            error.printStackTrace(cmd.getErr());
            return ExitCodes.INTERNAL;
        });
        return commandLine;
    }
}
