package dev.dmap.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.ClientException;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import dev.dmap.schemas.kafka.KafkaFailure;
import dev.dmap.schemas.testing.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Publication, its retries and its failures, with a fake Kafka port, a hand-run scheduler and a hand-moved clock. */
class BatchPublisherTest {
    private static final String LINE = "{\"custom_id\":\"a\",\"url\":\"/v1/embeddings\",\"body\":{\"model\":\"m\",\"input\":\"x\"}}\n";
    private static final int MAX_LINES = 3;
    @TempDir
    Path dir;
    private final MutableClock clock = new MutableClock();
    private final FakeBatchClient client = new FakeBatchClient();
    private final ManualScheduler scheduler = new ManualScheduler();
    private FileStore files;
    private BatchStore store;
    private BatchPublisher publisher;

    @BeforeEach
    void setUp() {
        files = new FileStore(dir, clock);
        store = new BatchStore(dir);
        publisher = new BatchPublisher(client, files, store, new BatchLocks(dir), scheduler,
                new PublishRules(MAX_LINES, 2, java.util.Set.of()), clock);
    }

    @AfterEach
    void tearDown() {
        files.close();
    }

    @Test
    void shouldTryAgainWithGrowingWaitsWhileKafkaIsAwayThenPublishOnce() throws Exception {
        GatewayBatch batch = validating(upload(LINE), "batch_away");
        client.failures.add(unavailable());
        client.failures.add(unavailable());

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(scheduler.delays).containsExactly(Duration.ZERO, Duration.ofSeconds(10), Duration.ofSeconds(20));
        assertThat(client.submitted).containsExactly("batch_away");
        assertThat(store.read("batch_away")).hasValueSatisfying(stored -> {
            assertThat(stored.phase()).isEqualTo(GatewayBatch.Phase.SUBMITTED);
            assertThat(stored.total()).isEqualTo(1L);
        });
    }

    @Test
    void shouldFailTheBatchWithKafkasReasonWhenKafkaRefusesItForGood() throws Exception {
        GatewayBatch batch = validating(upload(LINE), "batch_denied");
        client.failures.add(new ClientException.KafkaRefused("Kafka at k:9092 denied the operation: Topic authorization failed",
                KafkaFailure.AUTHORIZATION, null));

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(scheduler.delays).as("no retry of an ACL denial").containsExactly(Duration.ZERO);
        assertThat(store.read("batch_denied")).hasValueSatisfying(stored -> {
            assertThat(stored.phase()).isEqualTo(GatewayBatch.Phase.FAILED);
            assertThat(store.errors("batch_denied")).singleElement().satisfies(error -> assertThat(error.message())
                    .startsWith("The batch could not be published: ").contains("denied the operation").doesNotContain("--"));
        });
    }

    @Test
    void shouldFailAnInvalidFileWithItsLinesAndPublishNothing() throws Exception {
        GatewayBatch batch = validating(upload(LINE + "{\"custom_id\":\"b\"}\n"), "batch_invalid");

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(client.submitted).isEmpty();
        assertThat(store.errors("batch_invalid")).allSatisfy(error -> assertThat(error.line()).isEqualTo(2));
    }

    @Test
    void shouldFailAFileWithMoreLinesThanABatchTakesAndPublishNothing() throws Exception {
        GatewayBatch batch = validating(upload(LINE + LINE.replace("\"a\"", "\"b\"") + LINE.replace("\"a\"", "\"c\"")
                + LINE.replace("\"a\"", "\"d\"")), "batch_long");

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(client.submitted).isEmpty();
        assertThat(store.errors("batch_long")).singleElement().satisfies(error -> {
            assertThat(error.line()).isEqualTo(4);
            assertThat(error.message()).contains("more than 3 lines");
        });
    }

    @Test
    void shouldHandTheFleetsModelsToTheSubmitSoThatOtherModelsEndAsDeadLetters() throws Exception {
        String other = LINE.replace("\"a\"", "\"b\"").replace("\"model\":\"m\"", "\"model\":\"nobody-serves-this\"");
        GatewayBatch batch = validating(upload(LINE + other), "batch_unknown_model");

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(client.submitted).containsExactly("batch_unknown_model");
        assertThat(client.servedAtSubmit).containsExactly(java.util.Set.of("m"));
    }

    @Test
    void shouldFailABatchNamingMoreModelsThanABatchMay() throws Exception {
        String lines = LINE + LINE.replace("\"a\"", "\"b\"").replace("\"model\":\"m\"", "\"model\":\"m2\"")
                + LINE.replace("\"a\"", "\"c\"").replace("\"model\":\"m\"", "\"model\":\"m3\"");
        GatewayBatch batch = validating(upload(lines), "batch_many_models");

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(client.submitted).isEmpty();
        assertThat(store.errors("batch_many_models")).singleElement()
                .satisfies(error -> assertThat(error.code()).isEqualTo("too_many_models"));
    }

    @Test
    void shouldWaitValidatingWhileNoWorkerHasSaidWhichModelsItServes() throws Exception {
        client.served = java.util.Optional.empty();
        GatewayBatch batch = validating(upload(LINE), "batch_no_fleet");

        publisher.publish(batch, 0, false);

        assertThat(scheduler.delays).as("tried again later").containsExactly(Duration.ofSeconds(10));
        assertThat(store.read("batch_no_fleet").orElseThrow().phase()).isEqualTo(GatewayBatch.Phase.VALIDATING);
        client.served = java.util.Optional.of(java.util.Set.of("m"));
        scheduler.runAll();
        assertThat(client.submitted).containsExactly("batch_no_fleet");
    }

    @Test
    void shouldKeepAFailedBatchsErrorsApartFromTheRecordAListReads() throws Exception {
        String longField = "{\"custom_id\":\"x\",\"url\":\"/v1/embeddings\",\"deadline\":\"" + "9".repeat(100_000)
                + "\",\"body\":{\"model\":\"m\",\"input\":\"x\"}}\n";
        GatewayBatch batch = validating(upload(longField.repeat(3).replace("\"x\",\"url", "\"x1\",\"url")), "batch_long_errors");

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(store.read("batch_long_errors").orElseThrow().errors()).as("the record a list reads").isEmpty();
        assertThat(Files.size(dir.resolve("batches/batch_long_errors.json"))).isLessThan(2_000);
        assertThat(store.errors("batch_long_errors")).isNotEmpty().allSatisfy(error -> assertThat(error.message())
                .doesNotContain("9999999999"));
    }

    @Test
    void shouldSendACancelAskedWhileTheBatchWasValidatingOnceItIsPublished() throws Exception {
        GatewayBatch batch = validating(upload(LINE), "batch_cancel");
        store.requestCancel(batch.id());

        publisher.publishSoon(batch);
        scheduler.runAll();

        assertThat(client.submitted).containsExactly("batch_cancel");
        assertThat(client.cancelled).containsExactly("batch_cancel");
    }

    @Test
    void shouldPublishNothingWhenAnotherGatewayHoldsTheBatchsLock() throws Exception {
        GatewayBatch batch = validating(upload(LINE), "batch_locked");

        try (BatchLocks.Held other = new BatchLocks(dir).tryLock(batch.id()).orElseThrow()) {
            publisher.publishSoon(batch);
            scheduler.runAll();
        }

        assertThat(client.submitted).isEmpty();
        assertThat(store.read("batch_locked").orElseThrow().phase()).isEqualTo(GatewayBatch.Phase.VALIDATING);
    }

    private StoredFile upload(String content) throws Exception {
        Path incoming = files.incoming();
        Files.writeString(incoming, content);
        return files.add(incoming, "alice", "in.jsonl", "batch", null);
    }

    private GatewayBatch validating(StoredFile input, String id) {
        long now = clock.instant().getEpochSecond();
        GatewayBatch batch = GatewayBatch.created(id, "alice", "/v1/embeddings", input.id(), "24h", null, now, now + 86_400, null, 0);
        store.save(batch);
        return batch;
    }

    private static ClientException unavailable() {
        return new ClientException.KafkaUnavailable("cannot reach Kafka at k:9092 (no answer within 15s)", null, true, null);
    }
}
