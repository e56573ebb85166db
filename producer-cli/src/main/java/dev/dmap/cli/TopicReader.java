package dev.dmap.cli;

import dev.dmap.schemas.TopicScan;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads topics from their beginning to their current end (read_committed), without a consumer group. */
final class TopicReader {
    private TopicReader() {
    }

    static void readAll(KafkaOptions kafka, List<String> topics, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        TopicScan.readAll(properties(kafka), topics, each);
    }

    static Map<String, Object> properties(KafkaOptions kafka) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // reading a topic that does not exist yet must not create it with the broker's defaults
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50); // a scan reads what is there; it never waits for more
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }
}
