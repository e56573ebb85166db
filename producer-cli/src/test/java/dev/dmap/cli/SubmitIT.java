package dev.dmap.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import dev.dmap.client.testing.TestBatches;
import dev.dmap.client.testing.TestBroker;
import dev.dmap.schemas.testing.ChatLine;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code dmap submit} against a real broker: the size limit and priorities end to end (the transaction: the client's SubmitterIT). */
class SubmitIT {
    private static final Topics TOPICS = Topics.defaults();
    private static final String COMMITTED = "read_committed";
    private static final String EVERYTHING = "read_uncommitted";

    @TempDir
    Path dir;

    @Test
    void shouldPublishATwoMebibyteRequestToATopicAForeignProducerCreatedWithTheBrokerDefaults() throws Exception {
        String model = "big-model";
        TestBroker.publish(TOPICS.requests(model), "foreign-1", "{\"custom_id\":\"foreign-1\"}"); // 1 partition, 1 MiB records
        Path file = write("big.jsonl", TestBatches.lines(model, 1, 2 * 1024 * 1024));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--batch-id", "two-mib",
                file.toString());

        assertThat(run.exit()).as(run.err()).isZero();
        List<ConsumerRecord<byte[], byte[]>> requests = TestBroker.records(TOPICS.requests(model), COMMITTED);
        assertThat(requests).filteredOn(r -> "two-mib:q0".equals(TestBroker.utf8(r.key()))).singleElement()
                .satisfies(r -> assertThat(r.value().length).isGreaterThan(2 * 1024 * 1024));
    }

    @Test
    void shouldRefuseALineOverTheLimitAtValidationAndPublishNothing() throws Exception {
        Path file = write("huge.jsonl", TestBatches.lines("huge-model", 1, 10) + TestBatches.lines("huge-model", 1, 5 * 1024 * 1024).replace("q0", "q1"));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--batch-id", "five-mib",
                file.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("huge.jsonl:2: the line is ").contains("the limit is 4194304 bytes")
                .contains("nothing was published");
        assertThat(TestBatches.commands(TOPICS, "five-mib")).isEmpty();
    }

    @Test
    void shouldApplyALowerLimitGivenOnTheCommandLine() throws Exception {
        Path file = write("small.jsonl", TestBatches.lines("small-model", 1, 2000));

        Run run = cli("submit", "--bootstrap-servers=" + TestBroker.bootstrapServers(), "--no-progress", "--max-request-bytes=1000",
                file.toString());

        assertThat(run.exit()).isEqualTo(ExitCodes.INVALID_INPUT);
        assertThat(run.err()).contains("small.jsonl:1: the line is ").contains("the limit is 1000 bytes");
    }

    @Test
    void shouldGiveEveryLineWithoutAPriorityTheBatchsPriority() throws Exception {
        String model = "priority-model";
        String own = ChatLine.of("own", model).content("x").json().replaceFirst("\\{", "{\"priority\":7,");
        Path file = write("priority.jsonl", TestBatches.lines(model, 3, 10) + own + "\n");

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
}
