package dev.dmap.worker.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.SchemaValidator;
import dev.dmap.schemas.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Records that a foreign producer publishes as it likes: to a topic its first publish created
 * with the broker's defaults (one partition, 1 MiB records), values of any size, values that are
 * JSON but not an object. The worker makes the topic fit, serves what is valid and under the
 * size limit, and ends everything else as a dead letter that validates against its schema.
 */
class ForeignRecordsIT {
    private static final String MODEL = WorkerScenarios.QWEN;
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    private WorkerFixture fixture;

    @AfterEach
    void cleanUp() {
        if (fixture != null) {
            fixture.close();
        }
    }

    @Test
    void shouldRaiseAForeignTopicAndServeALargeRequestButRefuseOneOverTheLimit() throws Exception {
        fixture = new WorkerFixture(TestBroker.bootstrapServers(), 0.01);
        String topic = fixture.topics.requests(MODEL);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrapServers))) {
            // what a foreign producer's first publish (auto-creation) gives: one partition, broker defaults
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            fixture.startWorker("w1");

            await().atMost(PATIENCE).until(() -> partitions(admin, topic) == TopicProvisioner.REQUEST_PARTITIONS
                    && maxMessageBytes(admin, topic) >= Limits.outputRecordBytes(Limits.DEFAULT_MAX_REQUEST_BYTES));
        }
        try (KafkaProducer<byte[], byte[]> producer = foreignProducer()) {
            producer.send(record(topic, "two-mib", request("two-mib", 2 * 1024 * 1024))).get();
            producer.send(record(topic, "five-mib", request("five-mib", 5 * 1024 * 1024))).get();
            producer.send(record(topic, "array", "[1,2,3]".getBytes(StandardCharsets.UTF_8))).get();
        }

        await().atMost(PATIENCE).until(() -> fixture.kafka.results().size() + fixture.kafka.deadLetters().size() >= 3);
        assertThat(fixture.kafka.results()).extracting(r -> r.path("custom_id").asString()).containsExactly("two-mib");
        List<JsonNode> deadLetters = fixture.kafka.deadLetters();
        assertThat(deadLetters).hasSize(2);
        JsonNode tooLarge = deadLetters.stream().filter(d -> d.at("/error/code").asString().equals("payload_too_large"))
                .findFirst().orElseThrow();
        JsonNode array = deadLetters.stream().filter(d -> d != tooLarge).findFirst().orElseThrow();
        assertThat(array.at("/error/code").asString()).isIn("invalid_json", "invalid_request");
        assertThat(array.path("original_base64").asString()).as("the array travels as its bytes")
                .isEqualTo(java.util.Base64.getEncoder().encodeToString("[1,2,3]".getBytes(StandardCharsets.UTF_8)));
        assertThat(deadLetters).allSatisfy(deadLetter ->
                assertThat(SchemaValidator.deadLetter().validate(deadLetter)).as(deadLetter.toString()).isEmpty());
        assertThat(fixture.emulator.stats().totalInferenceCalls()).as("only the valid request reached the backend")
                .isEqualTo(1);
    }

    private static byte[] request(String customId, int size) {
        String json = TestKafka.chatRequest(customId, MODEL, "Hello", 8);
        // the bulk travels in a parameter the backend ignores, so the prompt still fits the context
        int padding = size - json.length() - 40;
        var root = MessageCodec.mapper().readTree(json);
        ((tools.jackson.databind.node.ObjectNode) root.path("body")).putObject("metadata").put("blob", "x".repeat(padding));
        return root.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static ProducerRecord<byte[], byte[]> record(String topic, String key, byte[] value) {
        return new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value);
    }

    private KafkaProducer<byte[], byte[]> foreignProducer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, fixture.bootstrapServers,
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 * 1024 * 1024,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private static long maxMessageBytes(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }
}
