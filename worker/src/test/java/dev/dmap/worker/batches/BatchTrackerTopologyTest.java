package dev.dmap.worker.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The batch tracker's topology with Kafka Streams' own test driver: how much it writes per outcome. */
class BatchTrackerTopologyTest {
    private static final Topics TOPICS = Topics.defaults();
    private static final String BATCH = "batch_big";
    private static final Instant START = Instant.parse("2026-12-02T09:00:00Z");

    @TempDir
    Path stateDir;
    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> commands;
    private TestInputTopic<String, byte[]> results;
    private TestOutputTopic<String, byte[]> states;

    @BeforeEach
    void start() {
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "tracker-test");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        driver = new TopologyTestDriver(BatchTracker.topology(TOPICS, Duration.ofDays(7)), props, START);
        commands = driver.createInputTopic(TOPICS.batchCommands(), new StringSerializer(), new ByteArraySerializer());
        results = driver.createInputTopic(TOPICS.results(), new StringSerializer(), new ByteArraySerializer());
        states = driver.createOutputTopic(TOPICS.batches(), new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void shouldWriteABatchsStateOncePerIntervalNotOncePerOutcome() {
        int total = 300;
        commands.pipeInput(BATCH, MessageCodec.encode(BatchCommand.created(BATCH, total, Map.of("m", (long) total),
                "big.jsonl", null, START)), START);
        commands.pipeInput(BATCH, MessageCodec.encode(BatchCommand.published(BATCH, START)), START);
        assertThat(states.readValuesToList()).as("commands are written at once").hasSize(2);

        for (int i = 0; i < total - 1; i++) {
            results.pipeInput(BATCH + ":r" + i, result("r" + i), START.plusMillis(i));
            if (i % 50 == 49) {
                driver.advanceWallClockTime(BatchAggregator.PUBLISH_INTERVAL); // 6 intervals for 300 outcomes
            }
        }
        driver.advanceWallClockTime(BatchAggregator.PUBLISH_INTERVAL);
        List<byte[]> progress = states.readValuesToList();
        assertThat(progress).as("one state per interval").hasSizeBetween(1, 7);
        assertThat(decode(progress.get(progress.size() - 1)).requestCounts().completed()).isEqualTo(total - 1);

        results.pipeInput(BATCH + ":last", result("last"), START.plusSeconds(60));
        List<byte[]> end = states.readValuesToList();
        assertThat(end).as("the batch's end is written at once").hasSize(1);
        BatchState last = decode(end.get(0));
        assertThat(last.requestCounts().completed()).isEqualTo(total);
        assertThat(last.status()).isEqualTo("completed");
        driver.advanceWallClockTime(BatchAggregator.PUBLISH_INTERVAL);
        assertThat(states.isEmpty()).as("nothing changed since").isTrue();
    }

    private static byte[] result(String customId) {
        return ("{\"custom_id\":\"" + customId + "\",\"batch_id\":\"" + BATCH + "\",\"model\":\"m\",\"response\":{\"status_code\":200,"
                + "\"body\":{\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":3}}}}").getBytes(StandardCharsets.UTF_8);
    }

    private static BatchState decode(byte[] value) {
        return MessageCodec.decode(value, BatchState.class);
    }
}
