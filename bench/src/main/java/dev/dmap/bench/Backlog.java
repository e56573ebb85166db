package dev.dmap.bench;

import dev.dmap.schemas.Topics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Publishes a backlog of small chat requests for one model, as fast as the broker takes them. */
final class Backlog {
    private Backlog() {
    }

    static void publish(String bootstrapServers, Topics topics, String model, long count, PrintWriter progress) {
        String template = "{\"custom_id\":\"%s\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"submitted_at\":\"%s\","
                + "\"body\":{\"model\":\"" + model + "\",\"max_tokens\":8,\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Benchmark request: summarise why batching matters.\"}]}}";
        String now = Instant.now().toString();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            for (long i = 0; i < count; i++) {
                String id = "o-" + i;
                producer.send(new ProducerRecord<>(topics.requests(model), id.getBytes(StandardCharsets.UTF_8),
                        String.format(template, id, now).getBytes(StandardCharsets.UTF_8)));
                if (i > 0 && i % 200_000 == 0) {
                    progress.printf("    %,d published%n", i);
                    progress.flush();
                }
            }
            producer.flush();
        }
    }
}
