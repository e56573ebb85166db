package dev.dmap.client;

import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.kafka.TopicScan;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a batch's results and dead letters (read_committed, from the beginning) and writes each
 * as an OpenAI Batch line the moment it is read, until every request of the batch has its
 * terminal record. Resumable: lines already in the files are read first and never written again;
 * a request seen twice (at-least-once delivery) is written once.
 *
 * <p>The batch's size comes from the caller when it knows it (the gateway keeps it in its batch
 * record), else from its creation command, read from the one partition of the commands topic that
 * holds it.
 */
public final class Collector {
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConnection kafka;

    public Collector(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /**
     * How to collect.
     *
     * @param patience       how long to wait for the batch to complete; null waits for as long as it takes
     * @param withDmapFields write whole dmap records, not just OpenAI's four fields
     * @param fresh          start the files afresh instead of resuming them
     * @param knownTotal     the batch's number of requests when the caller knows it, or null to read it
     */
    public record Options(Duration patience, boolean withDmapFields, boolean fresh, Long knownTotal) {
        /** Wait as long as it takes, OpenAI's fields, resume the files. */
        public static final Options DEFAULT = new Options(null, false, false, null);

        public Options withPatience(Duration patience) {
            return new Options(patience, withDmapFields, fresh, knownTotal);
        }

        public Options withDmapFields(boolean withDmapFields) {
            return new Options(patience, withDmapFields, fresh, knownTotal);
        }

        public Options fresh(boolean fresh) {
            return new Options(patience, withDmapFields, fresh, knownTotal);
        }

        public Options knownTotal(Long knownTotal) {
            return new Options(patience, withDmapFields, fresh, knownTotal);
        }
    }

    /**
     * Writes the batch's outcomes into {@code files} until every request has one or the patience runs out.
     *
     * @throws ClientException.BatchNotFound when no batch with this id was ever submitted
     */
    public CollectSummary collect(String batchId, OutputFiles files, Options options, ProgressListener progress) {
        Topics topics = kafka.topics();
        Instant deadline = options.patience() == null ? Instant.MAX : Instant.now().plus(options.patience());
        kafka.requireReachable();
        long total = options.knownTotal() != null ? options.knownTotal() : new BatchHistory(kafka).created(batchId)
                .map(command -> command.total() == null ? 0L : command.total())
                .orElseThrow(() -> new ClientException.BatchNotFound(batchId, "no batch \"" + batchId + "\" on "
                        + topics.batchCommands()));
        boolean fresh = options.fresh();
        Tally tally = new Tally(total);
        if (!fresh) {
            tally.resume(files);
        }
        StandardOpenOption mode = fresh ? StandardOpenOption.TRUNCATE_EXISTING : StandardOpenOption.APPEND;
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(kafka.scanProperties());
                BufferedWriter output = Files.newBufferedWriter(files.output(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode);
                BufferedWriter errors = Files.newBufferedWriter(files.errors(), StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
            TopicScan.assignFromBeginning(consumer, TopicScan.partitionsOf(consumer,
                    List.of(topics.results(), topics.deadLetters()), Duration.ofSeconds(15)));
            progress.started(total);
            try {
                progress.advanced(tally.done());
                while (!tally.complete() && Instant.now().isBefore(deadline)) {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                        boolean isResult = record.topic().equals(topics.results());
                        JsonNode node = parse(record.value());
                        if (node != null && tally.accept(node, batchId, isResult)) {
                            (isResult ? output : errors).write(OpenAiLines.line(node, options.withDmapFields()));
                            (isResult ? output : errors).newLine();
                            progress.advanced(tally.done());
                        }
                    }
                    output.flush();
                    errors.flush();
                }
            } finally {
                progress.finished();
            }
            return new CollectSummary(batchId, total, tally.succeeded, Map.copyOf(tally.failedByCode), tally.complete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String line) {
        try {
            return MessageCodec.mapper().readTree(line);
        } catch (JacksonException e) {
            return null;
        }
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return MessageCodec.mapper().readTree(value);
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Counts terminal records of one batch, once per request id. */
    private static final class Tally {
        private final long total;
        private final Set<String> seen = new HashSet<>();
        private final Map<String, Long> failedByCode = new TreeMap<>();
        private long succeeded;

        Tally(long total) {
            this.total = total;
        }

        /**
         * Whether the record belongs to the batch and is the first for its request. A dead letter
         * followed by a result (a replay that succeeded) is not taken back: the error line stays.
         */
        boolean accept(JsonNode record, String batchId, boolean isResult) {
            if (!batchId.equals(record.path("batch_id").asString(null))) {
                return false;
            }
            if (!seen.add(record.path("custom_id").asString(""))) {
                return false;
            }
            count(isResult, record);
            return true;
        }

        private void count(boolean isResult, JsonNode line) {
            if (isResult) {
                succeeded++;
            } else {
                failedByCode.merge(line.path("error").path("code").asString("unknown"), 1L, Long::sum);
            }
        }

        /** Counts what earlier runs already wrote, so nothing is written twice. */
        void resume(OutputFiles files) {
            resume(files.output(), true);
            resume(files.errors(), false);
        }

        private void resume(java.nio.file.Path file, boolean isResult) {
            if (!Files.exists(file)) {
                return;
            }
            try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
                lines.filter(line -> !line.isBlank()).map(Collector::parse)
                        .filter(node -> node != null && seen.add(node.path("custom_id").asString("")))
                        .forEach(node -> count(isResult, node));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        long done() {
            return seen.size();
        }

        boolean complete() {
            return done() >= total;
        }
    }
}
