package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.schemas.testing.ChatLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dmap submit} against a real broker: one transaction per batch, and the size limit end to end. */
class SubmitIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final String COMMITTED = "read_committed";
    private static final String EVERYTHING = "read_uncommitted";

    @TempDir
    Path dir;

    @Test
    void shouldShowNothingOfASubmitThatDiedMidPublishAndPublishEachRequestOnceWhenRunAgain() throws Exception {
        String model = "dying-model";
        BatchFile file = BatchFile.read(write("dying.jsonl", lines(model, 10, 10)));
        KafkaOptions kafka = KafkaOptions.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        // the created command, then 3 requests; the process dies at the 4th
        Function<Map<String, Object>, Producer<byte[], byte[]>> dying = props -> new DyingProducer(props, 1 + 3);

        assertThatThrownBy(() -> new Submitter(kafka, Clock.systemUTC(), Limits.DEFAULT_MAX_REQUEST_BYTES, dying)
                .submit(file, "dies-midway", null, false))
                .isInstanceOfSatisfying(CliException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCodes.UNREACHABLE))
                .hasMessageContaining("running the same submit again")
                .hasMessageContaining("--batch-id dies-midway");

        assertThat(TestBroker.records(TOPICS.requests(model), EVERYTHING)).as("sent before the death").hasSize(3);
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).as("visible to workers").isEmpty();
        assertThat(commands("dies-midway")).containsExactly(BatchCommand.CREATED);
        StatusReport.BatchRow row = StatusReport.read(kafka, "nobody", "dies-midway", Clock.systemUTC()).batches().get(0);
        assertThat(row.status()).isEqualTo("validating");
        assertThat(row.finishWith()).isEqualTo("dmap submit dying.jsonl --batch-id dies-midway");

        SubmittedBatch again = new Submitter(kafka, Clock.systemUTC()).submit(file, "dies-midway", null, false);

        assertThat(again.publication()).isEqualTo(SubmittedBatch.Publication.RESUMED);
        List<String> visible = TestBroker.records(TOPICS.requests(model), COMMITTED).stream()
                .map(record -> TestBroker.utf8(record.key())).toList();
        assertThat(visible).hasSize(10).doesNotHaveDuplicates().allMatch(id -> id.startsWith("dies-midway:"));
        assertThat(commands("dies-midway")).containsExactly(BatchCommand.CREATED, BatchCommand.PUBLISHED);
        assertThat(StatusReport.read(kafka, "nobody", "dies-midway", Clock.systemUTC()).batches().get(0).finishWith()).isNull();
    }

    @Test
    void shouldAbortTheTransactionWhenPublishingFailsSoThatARunAgainPublishesEveryRequestOnce() throws Exception {
        String model = "failing-model";
        BatchFile file = BatchFile.read(write("failing.jsonl", lines(model, 6, 10)));
        KafkaOptions kafka = KafkaOptions.of(TestBroker.bootstrapServers(), Topics.DEFAULT_PREFIX);
        Function<Map<String, Object>, Producer<byte[], byte[]>> failing = props -> new FailingProducer(props, 1 + 4);

        assertThatThrownBy(() -> new Submitter(kafka, Clock.systemUTC(), Limits.DEFAULT_MAX_REQUEST_BYTES, failing)
                .submit(file, "fails-midway", null, false)).isInstanceOf(CliException.class);
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).isEmpty();

        new Submitter(kafka, Clock.systemUTC()).submit(file, "fails-midway", null, false);
        SubmittedBatch third = new Submitter(kafka, Clock.systemUTC()).submit(file, "fails-midway", null, false);

        assertThat(third.publication()).isEqualTo(SubmittedBatch.Publication.NONE);
        assertThat(TestBroker.records(TOPICS.requests(model), COMMITTED)).hasSize(6);
        assertThat(commands("fails-midway")).containsExactly(BatchCommand.CREATED, BatchCommand.PUBLISHED);
    }

    @Test
    void shouldPublishATwoMebibyteRequestToATopicAForeignProducerCreatedWithTheBrokerDefaults() throws Exception {
        String model = "big-model";
        TestBroker.publish(TOPICS.requests(model), "foreign-1", "{\"custom_id\":\"foreign-1\"}"); // 1 partition, 1 MiB records
        Path file = write("big.jsonl", lines(model, 1, 2 * 1024 * 1024));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--batch-id", "two-mib",
                file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> requests = TestBroker.records(TOPICS.requests(model), COMMITTED);
        assertThat(requests).filteredOn(r -> "two-mib:q0".equals(TestBroker.utf8(r.key()))).singleElement()
                .satisfies(r -> assertThat(r.value().length).isGreaterThan(2 * 1024 * 1024));
    }

    @Test
    void shouldRefuseALineOverTheLimitAtValidationAndPublishNothing() throws Exception {
        Path file = write("huge.jsonl", lines("huge-model", 1, 10) + lines("huge-model", 1, 5 * 1024 * 1024).replace("q0", "q1"));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--batch-id", "five-mib",
                file.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("huge.jsonl:2: the line is ").contains("the limit is 4194304 bytes")
                .contains("nothing was published");
        assertThat(commands("five-mib")).isEmpty();
    }

    @Test
    void shouldApplyALowerLimitGivenOnTheCommandLine() throws Exception {
        Path file = write("small.jsonl", lines("small-model", 1, 2000));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--max-request-bytes=1000",
                file.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("small.jsonl:1: the line is ").contains("the limit is 1000 bytes");
    }

    @Test
    void shouldGiveEveryLineWithoutAPriorityTheBatchsPriority() throws Exception {
        String model = "priority-model";
        String own = ChatLine.of("own", model).content("x").json().replaceFirst("\\{", "{\"priority\":7,");
        Path file = write("priority.jsonl", lines(model, 3, 10) + own + "\n");

        Run run = cli("submit", file.toString(), "--batch-id", "urgent", "--priority", "5", "--no-progress",
                "-b", TestBroker.bootstrapServers());

        assertThat(run.exit()).as(run.err()).isEqualTo(ExitCodes.OK);
        Map<String, Integer> priorities = new java.util.TreeMap<>();
        TestBroker.records(TOPICS.requests(model), COMMITTED).forEach(record -> {
            var request = MessageCodec.mapper().readTree(record.value());
            priorities.put(request.path("custom_id").asString(), request.path("priority").asInt());
        });
        assertThat(priorities).containsExactly(Map.entry("own", 7), Map.entry("q0", 5), Map.entry("q1", 5), Map.entry("q2", 5));
    }

    /** The types of the batch's commands, in the order committed. */
    private static List<String> commands(String batchId) {
        return TestBroker.records(TOPICS.batchCommands(), COMMITTED).stream()
                .map(record -> MessageCodec.decode(record.value(), BatchCommand.class))
                .filter(command -> command.batchId().equals(batchId)).map(BatchCommand::type).toList();
    }

    static String lines(String model, int count, int contentLength) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append(ChatLine.of("q" + i, model).content("x".repeat(contentLength)).json()).append('\n');
        }
        return lines.toString();
    }

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = DmapCli.commandLine(new DmapCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int exit = cli.execute(args);
        return new Run(exit, out.toString(), err.toString());
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
