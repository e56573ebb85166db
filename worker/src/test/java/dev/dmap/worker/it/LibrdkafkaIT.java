package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.testing.ForeignClients;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A producer and a downstream reader written in Python with librdkafka (Debian's
 * python3-confluent-kafka), nobody's code here: requests it publishes are served, and its
 * read_committed reader sees each outcome once. .ci/run installs the package and sets
 * DMAP_REQUIRE_LIBRDKAFKA=true, so in CI a missing package fails the test instead of skipping it.
 */
class LibrdkafkaIT {
    private static final String PYTHON = "/usr/bin/python3";
    private static final int COUNT = 30;

    private WorkerFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldServeRequestsFromAPythonProducerAndShowEachOutcomeOnceToAPythonReader() throws Exception {
        requireConfluentKafka();
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        String model = "qwen2.5-7b-instruct";
        fixture.kafka.createRequestTopics(Set.of(model), 3);
        fixture.startWorker("w1");

        Process python = new ProcessBuilder(PYTHON, script().toString(), TestBroker.bootstrapServers(),
                fixture.topics.requests(model), fixture.topics.results(), fixture.topics.deadLetters(), model,
                String.valueOf(COUNT), "py").redirectError(new File("target/librdkafka-round-trip.log")).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(3, TimeUnit.MINUTES)).isTrue();

        assertThat(python.exitValue()).as(output).isZero();
        JsonNode summary = dev.dmap.schemas.MessageCodec.mapper().readTree(output);
        assertThat(summary.path("results").asInt()).as(output).isEqualTo(COUNT);
        assertThat(summary.path("duplicated").asInt()).as(output).isZero();
        assertThat(summary.path("missing")).as(output).isEmpty();
        assertThat(summary.path("dead_letters")).as(output).singleElement()
                .satisfies(code -> assertThat(code.asString()).isEqualTo("invalid_json"));
    }

    private static void requireConfluentKafka() throws Exception {
        boolean present = new File(PYTHON).canExecute()
                && new ProcessBuilder(PYTHON, "-c", "import confluent_kafka").start().waitFor() == 0;
        ForeignClients.require(present, "DMAP_REQUIRE_LIBRDKAFKA", "apt-get install python3-confluent-kafka");
    }

    private static Path script() throws Exception {
        return Path.of(LibrdkafkaIT.class.getResource("/librdkafka/round_trip.py").toURI());
    }
}
