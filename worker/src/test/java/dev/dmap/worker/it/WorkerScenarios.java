package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.SchemaValidator;
import dev.dmap.worker.Worker;
import dev.dmap.worker.config.SchedulingSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The worker end to end against a real broker and the LM Studio emulator over HTTP. Subclasses
 * say which broker; the scenarios are the same on each.
 */
abstract class WorkerScenarios {
    static final String QWEN = "qwen2.5-7b-instruct";
    static final String LLAMA = "meta-llama-3.1-8b-instruct";
    static final String MISTRAL = "mistral-7b-instruct-v0.3";
    static final Duration PATIENCE = Duration.ofSeconds(90);

    WorkerFixture fixture;

    abstract String bootstrapServers();

    WorkerFixture fixture(double timeScale) {
        fixture = new WorkerFixture(bootstrapServers(), timeScale);
        return fixture;
    }

    @AfterEach
    void closeFixture() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldServeRequestsForSeveralModels() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN, LLAMA, MISTRAL), 3);
        f.startWorker("w1");
        for (int i = 0; i < 5; i++) {
            for (String model : List.of(QWEN, LLAMA, MISTRAL)) {
                f.kafka.publishRequest(model + "-" + i, model, "Question " + i + " for " + model, 64);
            }
        }

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() >= 15);

        List<JsonNode> results = f.kafka.results();
        assertThat(results).extracting(r -> r.path("custom_id").asString()).doesNotHaveDuplicates().hasSize(15);
        for (JsonNode result : results) {
            assertThat(SchemaValidator.result().validate(result)).isEmpty();
            assertThat(result.path("custom_id").asString()).startsWith(result.path("model").asString());
            assertThat(result.at("/response/body/choices/0/message/content").asString()).startsWith("[LM Studio emulator]");
            assertThat(result.at("/response/body/usage/prompt_tokens").asInt()).isPositive();
            assertThat(result.path("worker").asString()).isEqualTo("w1");
        }
        assertThat(f.kafka.deadLetters()).isEmpty();
        assertThat(f.emulator.stats().maxInstancesOfOneModel()).isEqualTo(1);
    }

    @Test
    void shouldLoadEachModelOnceForABulkBatchEvenWithATinyOnlineBound() throws Exception {
        WorkerFixture f = fixture(0.01);
        List<String> models = List.of(QWEN, LLAMA, MISTRAL);
        f.kafka.createRequestTopics(Set.copyOf(models), 3);
        String submittedAt = java.time.Instant.now().toString();
        int total = 300;
        for (int i = 0; i < total; i++) { // interleaved, as a file written in no particular order
            String model = models.get(i % models.size());
            String line = TestKafka.chatRequest("bulk-" + i, model, "Bulk question " + i, 16);
            f.kafka.publishAsync(model, "bulk-" + i,
                    "{\"batch_id\":\"bulk\",\"submitted_at\":\"" + submittedAt + "\"," + line.substring(1));
        }
        f.kafka.flush();
        // an online request would have to be served within 1 s; a batch's requests have its 24 h window
        f.startWorker(f.config("w1").withScheduling(SchedulingSettings.defaults()
                .withMaxWait(Duration.ofSeconds(1), Duration.ZERO)));

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() >= total);

        assertThat(f.kafka.results()).hasSize(total);
        assertThat(f.kafka.deadLetters()).isEmpty();
        assertThat(f.emulator.stats().loadsByModel()).as("one load per model")
                .containsOnly(java.util.Map.entry(QWEN, 1), java.util.Map.entry(LLAMA, 1), java.util.Map.entry(MISTRAL, 1));
    }

    @Test
    void shouldRetryServerErrorsAndThenSucceed() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.emulator.faults().failNext(2, 503);
        f.startWorker("w1");
        f.kafka.publishRequest("flaky", QWEN, "Hello", 32);

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() == 1);

        JsonNode result = f.kafka.results().get(0);
        assertThat(result.path("attempts").asInt()).isEqualTo(3);
        assertThat(f.kafka.deadLetters()).isEmpty();
    }

    @Test
    void shouldServeEveryRecordEvenWhenAPlainProducerRepeatsACustomId() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.startWorker("w1");
        for (int i = 0; i < 3; i++) {
            f.kafka.publishRequest("twice", QWEN, "Hello", 32); // three records: three requests (README, kcat twice)
        }
        f.kafka.publishRequest("after", QWEN, "Hello again", 32);

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() + f.kafka.deadLetters().size() >= 4);

        assertThat(f.kafka.results()).extracting(r -> r.path("custom_id").asString())
                .containsExactlyInAnyOrder("twice", "twice", "twice", "after");
        assertThat(f.kafka.results()).extracting(r -> r.path("response").path("body").path("id").asString())
                .as("each outcome is its own completion").doesNotHaveDuplicates();
        assertThat(f.emulator.stats().totalInferenceCalls()).isEqualTo(4);
    }

    @Test
    void shouldServeResponsesLinesAndCheckTheirMaxOutputTokensAgainstTheContext() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.startWorker("w1");
        String body = "{\"model\":\"" + QWEN + "\",\"instructions\":\"Answer briefly.\",\"input\":\"What is a partition?\","
                + "\"max_output_tokens\":16}";
        for (int i = 0; i < 3; i++) {
            f.kafka.publish(QWEN, "resp-" + i, TestKafka.utf8("{\"custom_id\":\"resp-" + i + "\",\"method\":\"POST\","
                    + "\"url\":\"/v1/responses\",\"body\":" + body + "}"));
        }
        f.kafka.publish(QWEN, "resp-huge", TestKafka.utf8("{\"custom_id\":\"resp-huge\",\"url\":\"/v1/responses\",\"body\":"
                + body.replace("\"max_output_tokens\":16", "\"max_output_tokens\":1000000") + "}"));

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() + f.kafka.deadLetters().size() >= 4);

        int billed = dev.dmap.schemas.PromptTokens.count(dev.dmap.schemas.MessageCodec.mapper().readTree(body), "/v1/responses");
        assertThat(f.kafka.results()).hasSize(3).allSatisfy(result -> {
            assertThat(result.at("/response/body/object").asString()).isEqualTo("response");
            assertThat(result.at("/response/body/usage/input_tokens").asInt()).isEqualTo(billed);
            assertThat(result.at("/response/body/usage/output_tokens").asInt()).isBetween(1, 16);
        });
        JsonNode huge = f.kafka.deadLetters().get(0);
        assertThat(huge.path("custom_id").asString()).isEqualTo("resp-huge");
        assertThat(huge.at("/error/code").asString()).isEqualTo("context_length_exceeded");
        assertThat(huge.path("attempts").asInt()).as("refused before any call").isZero();
    }

    @Test
    void shouldStopLoudlyAndSayWhyWhenASecondWorkerTakesItsId() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        Worker first = f.startWorker("twin");
        f.kafka.publishRequest("before", QWEN, "Hello", 8);
        await().atMost(PATIENCE).until(() -> f.kafka.results().size() == 1);

        // a misconfiguration: two workers with one id in one group, on two machines (each its own local state)
        f.startWorker(f.config("twin").withCache(new dev.dmap.worker.config.CacheSettings(true,
                java.nio.file.Files.createTempDirectory("twin-cache-"), dev.dmap.worker.config.CacheSettings.DEFAULT_TTL,
                dev.dmap.worker.config.CacheSettings.DEFAULT_MAX_BYTES)));
        await().atMost(PATIENCE).until(() -> first.failure() != null);
        assertThat(first.status().running()).isFalse();
        await().atMost(PATIENCE).until(() -> f.kafka.records(f.topics.workers()).stream()
                .map(r -> dev.dmap.schemas.MessageCodec.decode(r.value(), dev.dmap.schemas.WorkerStatus.class))
                .anyMatch(status -> status.stopped() != null));
    }

    @Test
    void shouldDeadLetterAClientErrorWithTheUpstreamBody() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.emulator.faults().failNext(1, 400);
        f.startWorker("w1");
        f.kafka.publishRequest("rejected", QWEN, "Hello", 32);

        await().atMost(PATIENCE).until(() -> f.kafka.deadLetters().size() == 1);

        ConsumerRecord<byte[], byte[]> record = f.kafka.deadLetterRecords().get(0);
        JsonNode deadLetter = f.kafka.deadLetters().get(0);
        assertThat(SchemaValidator.deadLetter().validate(deadLetter)).isEmpty();
        assertThat(deadLetter.at("/error/code").asString()).isEqualTo("upstream_rejected");
        assertThat(deadLetter.at("/response/status_code").asInt()).isEqualTo(400);
        assertThat(deadLetter.at("/response/body/error").isMissingNode()).isFalse();
        assertThat(deadLetter.path("attempts").asInt()).isEqualTo(1);
        assertThat(deadLetter.at("/original/custom_id").asString()).isEqualTo("rejected");
        assertThat(header(record, "kafka_dlt-original-topic")).isEqualTo(f.topics.requests(QWEN));
        assertThat(record.headers().lastHeader("kafka_dlt-original-offset").value()).hasSize(Long.BYTES);
        assertThat(header(record, "dmap-error-code")).isEqualTo("upstream_rejected");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("rejected");
        assertThat(f.kafka.results()).isEmpty();
    }

    @Test
    void shouldDeadLetterUndecodableBytesWithTheOriginalInBase64() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.startWorker("w1");
        byte[] garbage = {(byte) 0xff, (byte) 0xfe, 'n', 'o', 't', ' ', 'j', 's', 'o', 'n'};
        f.kafka.publish(QWEN, null, garbage);
        f.kafka.publish(QWEN, "no-body", "{\"custom_id\":\"no-body\",\"url\":\"/v1/chat/completions\"}".getBytes(StandardCharsets.UTF_8));

        await().atMost(PATIENCE).until(() -> f.kafka.deadLetters().size() == 2);

        JsonNode undecodable = byCode(f.kafka.deadLetters(), "invalid_json");
        assertThat(undecodable.path("original_base64").asString()).isEqualTo(Base64.getEncoder().encodeToString(garbage));
        assertThat(undecodable.path("custom_id").isNull()).isTrue();
        assertThat(undecodable.path("attempts").asInt()).isZero();
        JsonNode invalid = byCode(f.kafka.deadLetters(), "invalid_request");
        assertThat(invalid.at("/original/custom_id").asString()).isEqualTo("no-body");
        assertThat(invalid.at("/error/message").asString()).contains("/body");
        assertThat(f.emulator.stats().totalInferenceCalls()).isZero();
    }

    @Test
    void shouldDeadLetterAModelTheBackendDoesNotHave() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of("no-such-model"), 1);
        f.startWorker("w1");
        f.kafka.publishRequest("unknown", "no-such-model", "Hello", 32);

        await().atMost(PATIENCE).until(() -> f.kafka.deadLetters().size() == 1);

        JsonNode deadLetter = f.kafka.deadLetters().get(0);
        assertThat(deadLetter.at("/error/code").asString()).isEqualTo("model_not_found");
        assertThat(deadLetter.path("model").asString()).isEqualTo("no-such-model");
        assertThat(f.emulator.stats().totalInferenceCalls()).isZero();
        assertThat(f.emulator.stats().totalLoads()).isZero();
    }

    @Test
    void shouldRefuseAPromptLargerThanTheContextWithoutCallingTheBackend() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(MISTRAL), 1);
        f.startWorker("w1");
        String huge = "The quick brown fox jumps over the lazy dog. ".repeat(500); // about 5,000 tokens
        f.kafka.publishRequest("too-long", MISTRAL, huge, 256);

        await().atMost(PATIENCE).until(() -> f.kafka.deadLetters().size() == 1);

        JsonNode deadLetter = f.kafka.deadLetters().get(0);
        assertThat(deadLetter.at("/error/code").asString()).isEqualTo("context_length_exceeded");
        assertThat(deadLetter.at("/error/message").asString()).contains("4096");
        assertThat(deadLetter.path("attempts").asInt()).isZero();
        assertThat(f.emulator.stats().totalInferenceCalls()).isZero();
    }

    @Test
    void shouldWaitOutABackendThatIsDownAndLoseNothing() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN, LLAMA), 2);
        f.emulator.crash();
        Worker worker = f.startWorker("w1");
        for (int i = 0; i < 6; i++) {
            f.kafka.publishRequest("down-" + i, i % 2 == 0 ? QWEN : LLAMA, "Hello " + i, 32);
        }

        await().atMost(PATIENCE).until(() -> worker.status().backendDown());
        assertThat(f.kafka.deadLetters()).isEmpty();
        f.emulator.restart();

        await().atMost(PATIENCE).until(() -> f.kafka.results().size() >= 6);
        assertThat(requestIds(f.kafka.results())).hasSize(6);
        assertThat(f.kafka.deadLetters()).isEmpty();
        assertThat(worker.status().backendDown()).isFalse();
    }

    @Test
    void shouldLoseNothingWhenTheWorkerIsReplacedMidBatch() throws Exception {
        WorkerFixture f = fixture(0.05);
        f.kafka.createRequestTopics(Set.of(QWEN, LLAMA), 3);
        Worker first = f.startWorker("w1");
        int total = 40;
        for (int i = 0; i < total; i++) {
            f.kafka.publishRequest("r-" + i, i % 4 < 2 ? QWEN : LLAMA, "Tell me about " + i, 48);
        }
        await().atMost(PATIENCE).until(() -> f.kafka.results().size() >= 8);
        first.close();
        int servedByFirst = requestIds(f.kafka.results()).size();
        assertThat(servedByFirst).isLessThan(total);

        f.startWorker("w2");

        await().atMost(PATIENCE).until(() -> requestIds(f.kafka.results()).size() == total);
        assertThat(f.kafka.deadLetters()).isEmpty();
        assertThat(f.kafka.results()).extracting(r -> r.path("worker").asString()).contains("w1", "w2");
    }

    @Test
    void shouldBackOffWhenTheBackendIsOverloadedAndStillServeEverything() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN), 1);
        f.emulator.faults().failNext(3, 503);
        f.startWorker("w1");
        for (int i = 0; i < 12; i++) {
            f.kafka.publishRequest("busy-" + i, QWEN, "Hello " + i, 16);
        }

        await().atMost(PATIENCE).until(() -> requestIds(f.kafka.results()).size() == 12);

        assertThat(f.kafka.deadLetters()).isEmpty();
        assertThat(f.registry.find("dmap.retries").tag("reason", "overloaded").counter().count()).isEqualTo(3.0);
    }

    @Test
    void shouldDeliverAtLeastOnceWhenAsked() throws Exception {
        WorkerFixture f = fixture(0.01);
        f.kafka.createRequestTopics(Set.of(QWEN, LLAMA), 2);
        f.startWorker(f.config("w1").withDelivery(
                dev.dmap.worker.config.DeliverySettings.of(dev.dmap.worker.config.DeliverySettings.Mode.AT_LEAST_ONCE)));
        for (int i = 0; i < 10; i++) {
            f.kafka.publishRequest("alo-" + i, i % 2 == 0 ? QWEN : LLAMA, "Hello " + i, 16);
        }
        f.kafka.publish(QWEN, null, "not json".getBytes(StandardCharsets.UTF_8));

        await().atMost(PATIENCE).until(() -> requestIds(f.kafka.results()).size() == 10 && f.kafka.deadLetters().size() == 1);
    }

    static Set<String> requestIds(List<JsonNode> records) {
        return records.stream().map(r -> r.path("request_id").asString()).collect(Collectors.toSet());
    }

    private static JsonNode byCode(List<JsonNode> deadLetters, String code) {
        return deadLetters.stream().filter(d -> d.at("/error/code").asString().equals(code)).findFirst().orElseThrow();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
