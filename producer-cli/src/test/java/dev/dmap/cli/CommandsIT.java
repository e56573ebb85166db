package dev.dmap.cli;

import dev.dmap.client.testing.TestBroker;
import dev.dmap.client.BatchFile;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.Submitter;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.Usage;
import dev.dmap.schemas.WorkerStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/** {@code dmap cancel} and {@code dmap dlq replay} against a real broker, with the records a worker would have written. */
class CommandsIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    @TempDir
    Path dir;

    @BeforeAll
    static void topics() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()))) {
            new TopicProvisioner(admin, TOPICS).ensureAll(List.of("replay-model"));
        }
    }

    @Test
    void shouldEstimateABatchPerModelFromTheFleetsServiceTimesAndPublishNothing() throws Exception {
        for (long ms : new long[] {400, 600}) {
            TestBroker.publish(TOPICS.results(), "earlier:" + ms, "{\"request_id\":\"earlier:" + ms
                    + "\",\"model\":\"estimate-held\",\"timing\":{\"queued_ms\":1,\"load_ms\":0,\"backend_ms\":" + ms + "}}");
        }
        TestBroker.publish(TOPICS.results(), "earlier:hit", "{\"request_id\":\"earlier:hit\",\"model\":\"estimate-held\","
                + "\"timing\":{\"queued_ms\":0,\"load_ms\":0,\"backend_ms\":90000},\"cache\":{\"hit\":true}}");
        TestBroker.publish(TOPICS.workers(), "estimate-gpu", MessageCodec.encodeToString(new WorkerStatus("estimate-gpu", "dmap-workers",
                "http://gpu:1234", "affinity", List.of("estimate-held"), List.of("estimate-held"), List.of(), 0, 0, 1, true,
                Instant.now(), null, 1, List.of("estimate-held", "estimate-cold"))));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            lines.append("{\"custom_id\":\"e").append(i).append("\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"")
                    .append(i < 6 ? "estimate-held" : "estimate-cold").append("\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n");
        }
        Path file = Files.writeString(dir.resolve("estimate.jsonl"), lines);

        SubmitIT.Run run = SubmitIT.cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--estimate", file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<String> out = run.out().lines().toList();
        assertThat(out.get(0)).isEqualTo("Estimate for " + file + " (nothing published):");
        // "Hi": 1 token, plus 4 per message and 3 for the reply: 8 prompt tokens per request; 500 ms mean, the cache hit left out
        assertThat(out).anySatisfy(line -> assertThat(line.split("\\s+")).containsExactly("estimate-held", "6", "48", "500", "ms", "3.0", "s", "0"));
        assertThat(out).anySatisfy(line -> assertThat(line.split("\\s+")).containsExactly("estimate-cold", "4", "32", "-", "-", "1"));
        assertThat(out).anySatisfy(line -> assertThat(line.split("\\s+")).containsExactly("total", "10", "80", "3.0", "s", "+", "1"));
        assertThat(TestBroker.records(TOPICS.batchCommands(), "read_committed")).extracting(r -> MessageCodec.decode(r.value(),
                BatchCommand.class)).noneMatch(command -> "estimate.jsonl".equals(command.inputFile()));
    }

    @Test
    void shouldSayThatAnEndedBatchHasEndedAndHowInsteadOfAskingToCancelIt() throws Exception {
        KafkaConnection kafka = KafkaConnection.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        Path file = Files.writeString(dir.resolve("done.jsonl"), "{\"custom_id\":\"q1\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"done-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}\n");
        new Submitter(kafka, Clock.systemUTC()).submit(BatchFile.read(file), "ended-batch");
        TestBroker.publish(TOPICS.batches(), "ended-batch", MessageCodec.encodeToString(completed("ended-batch")));

        SubmitIT.Run run = SubmitIT.cli("cancel", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "ended-batch");

        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.err().trim()).isEqualTo("Batch ended-batch has already ended: completed (partially_failed) at "
                + T0.plusSeconds(60) + "; nothing to cancel.");
        assertThat(TestBroker.records(TOPICS.batchCommands(), "read_committed")).extracting(r -> MessageCodec.decode(r.value(),
                BatchCommand.class)).filteredOn(c -> c.batchId().equals("ended-batch")).extracting(BatchCommand::type)
                .doesNotContain(BatchCommand.CANCEL);
    }

    @Test
    void shouldReplayARequestThatFailedTwiceOnceAndSkipARequestThatSucceededSince() throws Exception {
        TestBroker.publish(TOPICS.deadLetters(), "replay-batch:q1", deadLetter("replay-batch:q1", 1, T0));
        TestBroker.publish(TOPICS.deadLetters(), "replay-batch:q1", deadLetter("replay-batch:q1", 2, T0.plusSeconds(60)));
        TestBroker.publish(TOPICS.deadLetters(), "replay-batch:q2", deadLetter("replay-batch:q2", 1, T0));
        TestBroker.publish(TOPICS.results(), "replay-batch:q2",
                "{\"request_id\":\"replay-batch:q2\",\"batch_id\":\"replay-batch\",\"custom_id\":\"q2\"}");

        SubmitIT.Run run = SubmitIT.cli("dlq", "replay", "--bootstrap-servers=" + TestBroker.bootstrapServers(),
                "--batch", "replay-batch");

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> replayed = TestBroker.records(TOPICS.requests("replay-model"), "read_committed");
        assertThat(replayed).singleElement().satisfies(record -> {
            assertThat(TestBroker.utf8(record.key())).isEqualTo("replay-batch:q1");
            JsonNode request = MessageCodec.mapper().readTree(record.value());
            assertThat(request.path("attempt").asInt()).isEqualTo(3);
        });
        assertThat(run.err()).contains("Replayed 1 request(s)").contains("1 request(s) skipped: they have a result");
    }

    private static String deadLetter(String requestId, int attempt, Instant failedAt) {
        String customId = requestId.substring(requestId.indexOf(':') + 1);
        return """
                {"request_id":"%s","batch_id":"replay-batch","custom_id":"%s","model":"replay-model",
                 "error":{"code":"retries_exhausted","message":"backend down"},"failed_at":"%s","attempts":3,
                 "original":{"custom_id":"%s","method":"POST","url":"/v1/chat/completions","id":"%s",
                             "batch_id":"replay-batch","attempt":%d,
                             "body":{"model":"replay-model","messages":[{"role":"user","content":"x"}]}}}"""
                .formatted(requestId, customId, failedAt, customId, requestId, attempt).replace("\n", "");
    }

    private static BatchState completed(String batchId) {
        return new BatchState(batchId, "completed", "partially_failed", new RequestCounts(1, 0, 1), Map.of(), Map.of(),
                Usage.ZERO, "done.jsonl", T0, T0, T0.plusSeconds(60), T0.plusSeconds(60), null, null, null, null, 1);
    }
}
