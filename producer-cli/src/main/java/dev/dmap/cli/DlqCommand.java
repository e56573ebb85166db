package dev.dmap.cli;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

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
        List<JsonNode> deadLetters = ofBatch();
        if (action.equals("list")) {
            list(spec.commandLine().getOut(), deadLetters.stream()
                    .filter(d -> code == null || code.equals(d.at("/error/code").asString(null))).toList());
        } else {
            replay(spec.commandLine().getErr(), ReplaySelection.of(deadLetters, code, requestsWithResult()));
        }
        return ExitCodes.OK;
    }

    /** The dead letters of the batch asked for (of every batch without --batch), in the order read. */
    private List<JsonNode> ofBatch() {
        List<JsonNode> found = new ArrayList<>();
        TopicReader.readAll(kafka, List.of(kafka.topics().deadLetters()), record -> {
            JsonNode deadLetter = parse(record.value());
            if (deadLetter != null && (batchId == null || batchId.equals(deadLetter.path("batch_id").asString(null)))) {
                found.add(deadLetter);
            }
        });
        return found;
    }

    /** Ids of the batch's requests that have a result: a replay that succeeded. */
    private Set<String> requestsWithResult() {
        Set<String> ids = new HashSet<>();
        TopicReader.readAll(kafka, List.of(kafka.topics().results()), record -> {
            JsonNode result = parse(record.value());
            if (result != null && (batchId == null || batchId.equals(result.path("batch_id").asString(null)))) {
                ids.add(result.path("request_id").asString(""));
            }
        });
        return ids;
    }

    private static JsonNode parse(byte[] value) {
        try {
            return value == null ? null : MessageCodec.mapper().readTree(value);
        } catch (JacksonException e) {
            return null;
        }
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

    private void replay(PrintWriter err, ReplaySelection selection) {
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (JsonNode deadLetter : selection.replay()) {
                JsonNode original = deadLetter.path("original");
                ObjectNode again = ((ObjectNode) original).deepCopy();
                again.put("attempt", original.path("attempt").asInt(1) + 1);
                String requestId = deadLetter.path("request_id").asString();
                producer.send(new ProducerRecord<>(kafka.topics().requests(original.at("/body/model").asString()),
                        requestId.getBytes(StandardCharsets.UTF_8), MessageCodec.encode(again)),
                        (metadata, error) -> {
                            if (error != null) {
                                failure.compareAndSet(null, error);
                            }
                        });
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw KafkaFailures.explain(failure.get(), kafka);
        }
        err.printf("Replayed %d request(s)%s.%n", selection.replay().size(), leftOut(selection));
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

    private java.util.Map<String, Object> producerProperties() {
        java.util.Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // an original can be as large as the default request limit
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.recordBytes(Limits.DEFAULT_MAX_REQUEST_BYTES));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
