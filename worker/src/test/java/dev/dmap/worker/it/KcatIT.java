package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.testing.ForeignClients;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A plain OpenAI Batch line published by a non-Java client (kcat, librdkafka) is a request.
 * .ci/run installs kcat and sets DMAP_REQUIRE_KCAT=true, so in CI a missing kcat fails the test
 * instead of skipping it.
 */
class KcatIT {
    private WorkerFixture fixture;

    @AfterEach
    void close() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldServeEachRecordWhenTheSameLineIsPublishedTwiceAndDeadLetterAJsonArray() throws Exception {
        requireKcat();
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        String model = "qwen2.5-7b-instruct";
        fixture.kafka.createRequestTopics(Set.of(model), 1);
        fixture.startWorker("w1");
        String line = "{\"custom_id\":\"q1\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}";
        kcat(fixture.topics.requests(model), line); // the README's example, run twice
        kcat(fixture.topics.requests(model), line);
        kcat(fixture.topics.requests(model), "[1,2,3]");

        await().atMost(Duration.ofSeconds(60))
                .until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 3);
        assertThat(fixture.kafka.results()).extracting(r -> r.path("custom_id").asString()).containsExactly("q1", "q1");
        assertThat(fixture.kafka.deadLetters()).singleElement().satisfies(deadLetter ->
                assertThat(dev.dmap.schemas.SchemaValidator.deadLetter().validate(deadLetter)).isEmpty());
    }

    private static void requireKcat() {
        ForeignClients.require(new File("/usr/bin/kcat").canExecute(), "DMAP_REQUIRE_KCAT", "apt-get install kcat");
    }

    private static void kcat(String topic, String line) throws Exception {
        Process process = new ProcessBuilder("kcat", "-b", TestBroker.bootstrapServers(), "-P", "-t", topic)
                .redirectErrorStream(true).start();
        process.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void shouldServeAnOpenAiBatchLinePublishedWithKcat() throws Exception {
        requireKcat();
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        String model = "qwen2.5-7b-instruct";
        fixture.kafka.createRequestTopics(Set.of(model), 1);
        fixture.startWorker("w1");
        String line = "{\"custom_id\":\"from-kcat\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\","
                + "\"body\":{\"model\":\"" + model + "\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi from C\"}],\"max_tokens\":20}}";

        kcat(fixture.topics.requests(model), line);

        await().atMost(Duration.ofSeconds(60)).until(() -> fixture.kafka.results().size() == 1);
        JsonNode result = fixture.kafka.results().get(0);
        assertThat(result.path("custom_id").asString()).isEqualTo("from-kcat");
        assertThat(result.path("request_id").asString()).isEqualTo("from-kcat");
        assertThat(result.path("batch_id").isNull()).isTrue();
    }
}
