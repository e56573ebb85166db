package dev.dmap.devkit.broker;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.devkit.net.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalBrokerIT {

    @Test
    void shouldKeepRecordsAcrossARestartOnTheSameDataFolder(@TempDir Path dataDir) throws Exception {
        BrokerSettings settings = new BrokerSettings("127.0.0.1", FreePorts.next(), FreePorts.next(), dataDir, Map.of());
        try (LocalBroker broker = LocalBroker.start(settings);
                KafkaProducer<String, String> producer = producer(broker)) {
            producer.send(new ProducerRecord<>("kept", "k", "v1")).get();
        }
        try (LocalBroker broker = LocalBroker.start(settings);
                KafkaConsumer<String, String> consumer = consumer(broker)) {
            consumer.subscribe(List.of("kept"));
            ConsumerRecords<String, String> records = ConsumerRecords.empty();
            for (int i = 0; i < 50 && records.isEmpty(); i++) {
                records = consumer.poll(Duration.ofMillis(200));
            }
            assertThat(records.records("kept")).extracting(r -> r.value()).containsExactly("v1");
        }
    }

    @Test
    void shouldDeleteTemporaryStorageOnClose() {
        Path dataDir;
        try (LocalBroker broker = LocalBroker.startTemporary()) {
            dataDir = broker.dataDir();
            assertThat(dataDir).exists();
        }
        assertThat(dataDir).doesNotExist();
    }

    private static KafkaProducer<String, String> producer(LocalBroker broker) {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()),
                new StringSerializer(), new StringSerializer());
    }

    private static KafkaConsumer<String, String> consumer(LocalBroker broker) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "it", ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"),
                new StringDeserializer(), new StringDeserializer());
    }
}
