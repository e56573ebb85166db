package dev.dmap.cli;

import dev.dmap.client.CachePurge;
import dev.dmap.schemas.ExitCodes;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code dmap cache purge}: deletes response cache entries by model, by age, or all. */
@Command(name = "cache", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = "The response cache (docs/cache.md).", subcommands = CacheCommand.Purge.class)
public class CacheCommand {

    @Command(name = "purge", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
            description = {"Delete stored answers: those of one model, those older than an age, or all of them.",
                    "Workers drop them within seconds; later requests are computed again."})
    static class Purge implements Callable<Integer>, KafkaCommand {
        @Mixin
        KafkaOptions kafka;

        @ArgGroup(exclusive = false, multiplicity = "1")
        Which which;

        static class Which {
            @Option(names = "--model", description = "Only this exact model id's entries.")
            String model;

            @Option(names = "--older-than", converter = DurationConverter.class, paramLabel = "AGE",
                    description = "Only entries computed longer ago than this, e.g. 7d or 12h.")
            Duration olderThan;

            @Option(names = "--all", description = "Every entry (give this to purge without --model or --older-than).")
            boolean all;
        }

        @Spec
        CommandSpec spec;

        @Override
        public KafkaOptions kafka() {
            return kafka;
        }

        @Override
        public Integer call() {
            if (which.model == null && which.olderThan == null && !which.all) {
                throw new CliException(ExitCodes.INVALID_INPUT, "say which entries go: --model, --older-than, or --all");
            }
            CachePurge.Purged purged = new CachePurge(kafka.connection(), Clock.systemUTC())
                    .purge(new CachePurge.Selection(which.model, which.olderThan));
            spec.commandLine().getErr().printf("Purged %d of %d response cache entries%n", purged.deleted(), purged.entries());
            spec.commandLine().getOut().println(purged.deleted());
            return ExitCodes.OK;
        }
    }
}
