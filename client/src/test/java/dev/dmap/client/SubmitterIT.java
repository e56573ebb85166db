package dev.dmap.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.client.testing.TestBatches;
import dev.dmap.client.testing.TestBroker;
import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.testing.ChatLine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link Submitter} against a real broker: one transaction per batch, so a submit that dies midway is finished by the next. */
class SubmitterIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final String COMMITTED = "read_committed";
    private static final String EVERYTHING = "read_uncommitted";

    @TempDir
    Path dir;

    @Test
    void shouldShowNothingOfASubmitThatDiedMidPublishAndPublishEachRequestOnceWhenRunAgain() throws Exception {
        String model = "dying-model";
        BatchFile file = BatchFile.read(write("dying.jsonl", TestBatches.lines(model, 10, 10)));
        KafkaConnection kafka = KafkaConnection.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        // the created command, then 3 requests; the process dies at the 4th
        Function<Map<String, Object>, Producer<byte[], byte[]>> dying = props -> new DyingProducer(props, 1 + 3);

        assertThatThrownBy(() -> new Submitter(kafka, Clock.systemUTC(), Limits.DEFAULT_MAX_REQUEST_BYTES, dying)
                .submit(file, "dies-midway"))
                .isInstanceOfSatisfying(ClientException.PublishFailed.class, e -> assertThat(e.retryable()).isTrue())
                .hasMessageContaining("running the same submit again");

        assertThat(TestBroker.records(TOPICS.requests(model), EVERYTHING)).as("sent before the death").hasSize(3);
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).as("visible to workers").isEmpty();
        assertThat(TestBatches.commands(TOPICS, "dies-midway")).containsExactly(BatchCommand.CREATED);
        StatusReport.BatchRow row = StatusReport.read(kafka, "nobody", "dies-midway", Clock.systemUTC()).batches().get(0);
        assertThat(row.status()).isEqualTo("validating");
        assertThat(row.published()).isFalse();
        assertThat(row.inputFile()).isEqualTo("dying.jsonl");

        SubmittedBatch again = new Submitter(kafka, Clock.systemUTC()).submit(file, "dies-midway");

        assertThat(again.publication()).isEqualTo(SubmittedBatch.Publication.RESUMED);
        List<String> visible = TestBroker.records(TOPICS.requests(model), COMMITTED).stream()
                .map(record -> TestBroker.utf8(record.key())).toList();
        assertThat(visible).hasSize(10).doesNotHaveDuplicates().allMatch(id -> id.startsWith("dies-midway:"));
        assertThat(TestBatches.commands(TOPICS, "dies-midway")).containsExactly(BatchCommand.CREATED, BatchCommand.PUBLISHED);
        assertThat(StatusReport.read(kafka, "nobody", "dies-midway", Clock.systemUTC()).batches().get(0).published()).isTrue();
    }

    @Test
    void shouldAbortTheTransactionWhenPublishingFailsSoThatARunAgainPublishesEveryRequestOnce() throws Exception {
        String model = "failing-model";
        BatchFile file = BatchFile.read(write("failing.jsonl", TestBatches.lines(model, 6, 10)));
        KafkaConnection kafka = KafkaConnection.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        Function<Map<String, Object>, Producer<byte[], byte[]>> failing = props -> new FailingProducer(props, 1 + 4);

        assertThatThrownBy(() -> new Submitter(kafka, Clock.systemUTC(), Limits.DEFAULT_MAX_REQUEST_BYTES, failing)
                .submit(file, "fails-midway")).isInstanceOfSatisfying(ClientException.PublishFailed.class,
                        e -> assertThat(e.kafka()).isInstanceOf(ClientException.KafkaUnavailable.class));
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).isEmpty();

        new Submitter(kafka, Clock.systemUTC()).submit(file, "fails-midway");
        SubmittedBatch third = new Submitter(kafka, Clock.systemUTC()).submit(file, "fails-midway");

        assertThat(third.publication()).isEqualTo(SubmittedBatch.Publication.NONE);
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).hasSize(6);
        assertThat(TestBatches.commands(TOPICS, "fails-midway")).containsExactly(BatchCommand.CREATED, BatchCommand.PUBLISHED);
    }

    @Test
    void shouldEndALineNamingAModelNobodyServesAsADeadLetterAndCreateNoTopicForIt() throws Exception {
        String served = "served-model";
        String unserved = "unserved-model-" + System.nanoTime();
        BatchFile file = BatchFile.read(write("mixed.jsonl", TestBatches.lines(served, 2, 10)
                + ChatLine.of("lost", unserved).content("x").json() + "\n"));
        KafkaConnection kafka = KafkaConnection.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);

        new Submitter(kafka, Clock.systemUTC()).submit(file, "mixed-batch", new Submitter.Options(null, null, java.util.Set.of(served), null),
                ProgressListener.NONE);

        assertThat(TestBroker.records(TOPICS.requests(served), COMMITTED)).hasSize(2);
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(kafka.adminProperties())) {
            assertThat(admin.listTopics().names().get()).doesNotContain(TOPICS.requests(unserved));
        }
        assertThat(TestBroker.records(TOPICS.deadLetters(), COMMITTED)).filteredOn(r -> "mixed-batch:lost".equals(TestBroker.utf8(r.key())))
                .singleElement().satisfies(record -> {
                    var deadLetter = MessageCodec.decode(record.value(), dev.dmap.schemas.DeadLetter.class);
                    assertThat(deadLetter.errorCode()).isEqualTo(dev.dmap.schemas.ErrorCode.MODEL_NOT_FOUND);
                    assertThat(deadLetter.batchId()).isEqualTo("mixed-batch");
                    assertThat(deadLetter.customId()).isEqualTo("lost");
                });
    }

    @Test
    void shouldLowerALinesPriorityToTheMaximumItMayHave() throws Exception {
        String model = "clamped-model";
        String urgent = ChatLine.of("urgent", model).content("x").json().replaceFirst("\\{", "{\"priority\":7,");
        BatchFile file = BatchFile.read(write("clamped.jsonl", urgent + "\n" + ChatLine.of("plain", model).content("x").json() + "\n"));
        KafkaConnection kafka = KafkaConnection.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);

        new Submitter(kafka, Clock.systemUTC()).submit(file, "clamped-batch", new Submitter.Options(null, null, null, 2),
                ProgressListener.NONE);

        java.util.Map<String, Integer> priorities = new java.util.TreeMap<>();
        TestBroker.records(TOPICS.requests(model), COMMITTED).forEach(record -> {
            var request = MessageCodec.mapper().readTree(record.value());
            priorities.put(request.path("custom_id").asString(), request.path("priority").asInt());
        });
        assertThat(priorities).containsExactly(java.util.Map.entry("plain", 0), java.util.Map.entry("urgent", 2));
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    /** A real producer whose connection fails after a number of sends: the submit sees the error and aborts. */
    static final class FailingProducer extends org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> {
        private final int sendsBeforeFailure;
        private int sends;

        FailingProducer(Map<String, Object> properties, int sendsBeforeFailure) {
            super(properties);
            this.sendsBeforeFailure = sendsBeforeFailure;
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> record,
                org.apache.kafka.clients.producer.Callback callback) {
            if (sends++ == sendsBeforeFailure) {
                super.flush();
                throw new org.apache.kafka.common.errors.NetworkException("injected: the connection broke");
            }
            return super.send(record, callback);
        }
    }
}
