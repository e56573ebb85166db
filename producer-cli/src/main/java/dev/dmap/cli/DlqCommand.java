package dev.dmap.cli;

import dev.dmap.client.DeadLetters;
import dev.dmap.client.ReplaySelection;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/** {@code dmap dlq list|replay}: inspect dead letters and, once their cause is fixed, publish the originals again. */
@Command(name = "dlq", mixinStandardHelpOptions = true, versionProvider = CliVersion.class,
        description = {"Inspect dead letters (list) and, once the cause is fixed, publish their original requests",
                "again with the attempt count incremented (replay). Each failed request is replayed once, from its latest",
                "dead letter; a request that has a result since is not. Undecodable originals cannot be replayed."})
public class DlqCommand implements Callable<Integer>, KafkaCommand {
    @Mixin
    KafkaOptions kafka;

    @Parameters(paramLabel = "ACTION", description = "list or replay")
    String action;

    @Option(names = "--batch", description = "Only this batch's dead letters.")
    String batchId;

    @Option(names = "--code", description = "Only this error code, e.g. retries_exhausted.")
    String code;

    @Option(names = "--json", description = "list: one JSON dead letter per line.")
    boolean json;

    @Spec
    CommandSpec spec;

    @Override
    public KafkaOptions kafka() {
        return kafka;
    }

    @Override
    public Integer call() {
        if (!List.of("list", "replay").contains(action)) {
            throw new CliException(ExitCodes.INVALID_INPUT, "unknown action \"" + action + "\": list or replay");
        }
        kafka.requireReachable();
        DeadLetters deadLetters = new DeadLetters(kafka.connection());
        if (action.equals("list")) {
            list(spec.commandLine().getOut(), deadLetters.of(batchId).stream()
                    .filter(d -> code == null || code.equals(d.at("/error/code").asString(null))).toList());
        } else {
            ReplaySelection selection = deadLetters.selectForReplay(batchId, code);
            deadLetters.replay(selection);
            spec.commandLine().getErr().printf("Replayed %d request(s)%s.%n", selection.replay().size(), leftOut(selection));
        }
        return ExitCodes.OK;
    }

    private void list(PrintWriter out, List<JsonNode> deadLetters) {
        if (json) {
            deadLetters.forEach(deadLetter -> out.println(MessageCodec.encodeToString(deadLetter)));
            return;
        }
        out.printf("%-44s %-28s %-30s %-8s %s%n", "request", "code", "model", "attempts", "message");
        for (JsonNode d : deadLetters) {
            String message = d.at("/error/message").asString("");
            out.printf("%-44s %-28s %-30s %-8d %s%n", d.path("request_id").asString("(undecodable)"),
                    d.at("/error/code").asString(), d.path("model").asString("-"), d.path("attempts").asInt(),
                    message.length() > 80 ? message.substring(0, 80) + "…" : message);
        }
        out.printf("%d dead letter(s)%n", deadLetters.size());
    }

    private static String leftOut(ReplaySelection selection) {
        List<String> parts = new ArrayList<>();
        if (selection.duplicates() > 0) {
            parts.add(selection.duplicates() + " earlier dead letter(s) of the same requests not replayed again");
        }
        if (selection.succeeded() > 0) {
            parts.add(selection.succeeded() + " request(s) skipped: they have a result");
        }
        if (selection.undecodable() > 0) {
            parts.add(selection.undecodable() + " undecodable original(s) skipped");
        }
        return parts.isEmpty() ? "" : "; " + String.join("; ", parts);
    }
}
