package dev.dmap.bench.chaos;

import dev.dmap.client.KafkaConnection;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.kafka.ConsumerSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import tools.jackson.databind.JsonNode;

/**
 * The independent check: a plain {@code read_committed} reader of the results, dead-letter and
 * batch topics, knowing nothing of the workers, counts each request's outcomes and each batch's
 * last state.
 */
final class ChaosCheck {
    private static final Set<String> TERMINAL = Set.of("completed", "failed", "expired", "cancelled");

    /** An outcome: whose, when it was committed, and its error code (null for a result). */
    record Outcome(String requestId, Instant at, String code) {
    }

    /**
     * What the reader saw.
     *
     * @param outcomes     every outcome read, in no particular order
     * @param lost         confirmed requests without an outcome
     * @param duplicated   requests with more than one outcome
     * @param unexpected   outcomes of requests nobody confirmed or tried (should be none)
     * @param deadLetters  dead letters by error code
     * @param tolerated    dead letters {@code deadline_exceeded} of calls the gateway refused (503, 504) whose
     *                     request landed all the same: the caller was told, the request ended once
     * @param openBatches  batches whose last state is not terminal, with that state
     * @param unansweredCalls calls with an outcome whose caller never had its reply
     */
    record Findings(List<Outcome> outcomes, int lost, int duplicated, int unexpected, Map<String, Long> deadLetters,
            int tolerated, Map<String, String> openBatches, long unansweredCalls) {
        boolean passed() {
            return lost == 0 && duplicated == 0 && unexpected == 0 && deadLetters.isEmpty() && openBatches.isEmpty()
                    && unansweredCalls == 0;
        }
    }

    private final KafkaConnection kafka;

    ChaosCheck(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    /**
     * @param gatewayMade whether an outcome's request id is of a request the gateway made (its calls,
     *                    its batches' lines): they are not this traffic's to confirm, but may end once only
     * @param gatewayCall whether a request id is of a gateway call
     * @param refusedCalls gateway calls answered 503 or 504: at most this many of their dead letters
     *                    {@code deadline_exceeded} are tolerated
     */
    Findings check(Set<String> confirmed, Set<String> unconfirmed, Set<String> batches, long unansweredCalls,
            java.util.function.Predicate<String> gatewayMade, java.util.function.Predicate<String> gatewayCall, int refusedCalls) {
        List<Outcome> outcomes = new ArrayList<>();
        read(kafka.topics().results(), (record, json) -> outcomes.add(new Outcome(json.path("request_id").asString(),
                Instant.ofEpochMilli(record.timestamp()), null)));
        read(kafka.topics().deadLetters(), (record, json) -> outcomes.add(new Outcome(json.path("request_id").asString(),
                Instant.ofEpochMilli(record.timestamp()), json.path("error").path("code").asString())));
        Map<String, Integer> perRequest = new HashMap<>();
        Map<String, Long> deadLetters = new TreeMap<>();
        int tolerated = 0;
        for (Outcome outcome : outcomes) {
            perRequest.merge(outcome.requestId(), 1, Integer::sum);
            if (outcome.code() == null) {
                continue;
            }
            if ("deadline_exceeded".equals(outcome.code()) && gatewayCall.test(outcome.requestId()) && tolerated < refusedCalls) {
                tolerated++;
            } else {
                deadLetters.merge(outcome.code(), 1L, Long::sum);
            }
        }
        int lost = (int) confirmed.stream().filter(id -> !perRequest.containsKey(id)).count();
        int duplicated = (int) perRequest.values().stream().filter(count -> count > 1).count();
        int unexpected = (int) perRequest.keySet().stream()
                .filter(id -> !confirmed.contains(id) && !unconfirmed.contains(id) && !gatewayMade.test(id)).count();
        return new Findings(outcomes, lost, duplicated, unexpected, deadLetters, tolerated, openBatches(batches), unansweredCalls);
    }

    /** The batches whose last state is not terminal, with that state. */
    Map<String, String> openBatches(Set<String> batches) {
        Map<String, String> states = new HashMap<>();
        read(kafka.topics().batches(), (record, json) -> {
            if (json != null) {
                states.put(json.path("batch_id").asString(), json.path("status").asString());
            }
        });
        Map<String, String> open = new TreeMap<>();
        for (String batch : batches) {
            String status = states.getOrDefault(batch, "(no state)");
            if (!TERMINAL.contains(status)) {
                open.put(batch, status);
            }
        }
        return open;
    }

    /** Whether every confirmed request has an outcome yet. */
    boolean allEnded(Set<String> confirmed) {
        Set<String> ended = new java.util.HashSet<>();
        read(kafka.topics().results(), (record, json) -> ended.add(json.path("request_id").asString()));
        read(kafka.topics().deadLetters(), (record, json) -> ended.add(json.path("request_id").asString()));
        return ended.containsAll(confirmed);
    }

    private interface Reader {
        void take(ConsumerRecord<byte[], byte[]> record, JsonNode json);
    }

    /**
     * Where each unanswered call's reply went missing: its outcomes (which worker wrote them, when)
     * and what its caller's reply topic holds for it, read now from the start. A reply on the topic
     * that the caller did not take is the caller's fault; no reply there, the worker's.
     */
    List<String> explainUnanswered(Set<String> calls, String replyTopic) {
        Map<String, List<String>> seen = new TreeMap<>();
        calls.forEach(id -> seen.put(id, new ArrayList<>()));
        Reader outcome = (record, json) -> {
            List<String> found = seen.get(json.path("request_id").asString());
            if (found != null) {
                found.add((json.has("error") ? "dead letter " + json.path("error").path("code").asString() : "result")
                        + " by " + json.path("worker").asString("?") + " at " + Instant.ofEpochMilli(record.timestamp())
                        + " (" + record.topic() + "-" + record.partition() + "@" + record.offset() + ")");
            }
        };
        read(kafka.topics().results(), outcome);
        read(kafka.topics().deadLetters(), outcome);
        if (replyTopic != null) {
            readRecords(replyTopic, record -> {
                List<String> found = record.key() == null ? null : seen.get(new String(record.key(), StandardCharsets.UTF_8));
                if (found != null) {
                    found.add("reply " + OnlineReplies.kind(record.headers()) + " at " + Instant.ofEpochMilli(record.timestamp())
                            + " (" + record.topic() + "@" + record.offset() + ")");
                }
            });
        }
        List<String> lines = new ArrayList<>();
        seen.forEach((id, found) -> lines.add("unanswered call " + id + ": "
                + (found.isEmpty() ? "no outcome, no reply" : String.join("; ", found))
                + (found.stream().anyMatch(line -> line.startsWith("reply ")) ? "" : "; no reply on " + replyTopic)));
        return lines;
    }

    /** Reads a topic from its start to its end now. */
    private void read(String topic, Reader reader) {
        readRecords(topic, record -> reader.take(record, record.value() == null ? null : MessageCodec.mapper().readTree(record.value())));
    }

    /** Reads a topic's records from its start to its end now. */
    private void readRecords(String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> reader) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(ConsumerSettings.scan(kafka.clientProperties()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            while (partitions.stream().anyMatch(partition -> consumer.position(partition, Duration.ofSeconds(30)) < end.get(partition))) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    reader.accept(record);
                }
            }
        }
    }
}
