package dev.dmap.worker.it;

import dev.dmap.schemas.testing.ChatLine;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.kafka.TopicScan;
import dev.dmap.schemas.Topics;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.JsonNode;

/** Test-side Kafka access: create topics, publish requests as producers would, read outcomes. */
public final class TestKafka implements AutoCloseable {
    private final String bootstrapServers;
    private final Topics topics;
    private final KafkaProducer<byte[], byte[]> producer;

    public TestKafka(String bootstrapServers, Topics topics) {
        this.bootstrapServers = bootstrapServers;
        this.topics = topics;
        // one request in flight, as dmap's own producers (KAFKA-15591 on just-created topics)
        this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }

    public void createRequestTopics(Set<String> models, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            List<NewTopic> newTopics = new ArrayList<>();
            models.forEach(model -> newTopics.add(new NewTopic(topics.requests(model), Optional.of(partitions), Optional.empty())));
            for (var created : admin.createTopics(newTopics).values().values()) {
                try {
                    created.get(30, TimeUnit.SECONDS);
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException)) {
                        throw e; // a topic made before (a second batch for the same models) is fine
                    }
                }
            }
        }
    }

    /** Publishes a request value to its model's topic, keyed like dmap submit keys it. */
    public void publish(String model, String key, byte[] value) throws Exception {
        producer.send(new ProducerRecord<>(topics.requests(model), key == null ? null : utf8(key), value)).get();
    }

    /** Publishes without waiting for each acknowledgement; call {@link #flush()} after. */
    public void publishAsync(String model, String key, String value) {
        producer.send(new ProducerRecord<>(topics.requests(model), utf8(key), utf8(value)));
    }

    public void flush() {
        producer.flush();
    }

    public void publishRequest(String customId, String model, String userText, int maxTokens) throws Exception {
        publish(model, customId, utf8(chatRequest(customId, model, userText, maxTokens)));
    }

    public static String chatRequest(String customId, String model, String userText, int maxTokens) {
        return ChatLine.of(customId, model).content(userText).maxTokens(maxTokens).json();
    }

    public List<JsonNode> results() {
        return values(topics.results());
    }

    public List<JsonNode> deadLetters() {
        return values(topics.deadLetters());
    }

    public List<ConsumerRecord<byte[], byte[]>> deadLetterRecords() {
        return records(topics.deadLetters());
    }

    private List<JsonNode> values(String topic) {
        return records(topic).stream().map(r -> MessageCodec.mapper().readTree(r.value())).toList();
    }

    /** Every committed record of a topic, from the beginning to its current end. */
    public List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        return TopicScan.committed(bootstrapServers, topic);
    }

    @Override
    public void close() {
        producer.close();
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
