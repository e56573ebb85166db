package dev.dmap.cli;

import dev.dmap.schemas.MessageCodec;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code dmap dlq list|replay}: inspect dead letters and, once their cause is fixed, publish the originals again. */
@Command(name = "dlq", mixinStandardHelpOptions = true,
        description = {"Inspect dead letters (list) and, once the cause is fixed, publish their original requests",
                "again with the attempt count incremented (replay). Undecodable originals cannot be replayed."})
public class DlqCommand implements Callable<Integer> {
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
    public Integer call() {
        List<JsonNode> deadLetters = matching();
        PrintWriter out = spec.commandLine().getOut();
        switch (action) {
            case "list" -> list(out, deadLetters);
            case "replay" -> replay(spec.commandLine().getErr(), deadLetters);
            default -> throw new CliException(ExitCodes.INVALID_INPUT, "unknown action \"" + action + "\": list or replay");
        }
        return ExitCodes.OK;
    }

    private List<JsonNode> matching() {
        List<JsonNode> found = new ArrayList<>();
        TopicReader.readAll(kafka, List.of(kafka.topics().deadLetters()), record -> {
            JsonNode deadLetter = MessageCodec.mapper().readTree(record.value());
            boolean batchMatches = batchId == null || batchId.equals(deadLetter.path("batch_id").asString(null));
            boolean codeMatches = code == null || code.equals(deadLetter.at("/error/code").asString(null));
            if (batchMatches && codeMatches) {
                found.add(deadLetter);
            }
        });
        return found;
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

    private void replay(PrintWriter err, List<JsonNode> deadLetters) {
        int replayed = 0;
        int skipped = 0;
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
            for (JsonNode deadLetter : deadLetters) {
                JsonNode original = deadLetter.path("original");
                if (!original.isObject() || !original.at("/body/model").isString()) {
                    skipped++;
                    continue;
                }
                ObjectNode again = ((ObjectNode) original).deepCopy();
                again.put("attempt", original.path("attempt").asInt(1) + 1);
                String requestId = deadLetter.path("request_id").asString();
                producer.send(new ProducerRecord<>(kafka.topics().requests(original.at("/body/model").asString()),
                        requestId.getBytes(StandardCharsets.UTF_8), MessageCodec.encode(again)));
                replayed++;
            }
            producer.flush();
        }
        err.printf("Replayed %d request(s)%s.%n", replayed, skipped == 0 ? "" : "; " + skipped + " undecodable original(s) skipped");
    }

    private java.util.Map<String, Object> producerProperties() {
        java.util.Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }
}
