package dev.dmap.gateway.batches;

import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.client.KafkaConnection;
import dev.dmap.devkit.broker.LocalBroker;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.Usage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The gateway's view of the tracker's batches topic, on a real broker. */
class BatchStatesIT {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private static LocalBroker broker;

    @BeforeAll
    static void start() {
        broker = LocalBroker.startTemporary();
    }

    @AfterAll
    static void stop() {
        broker.close();
    }

    @Test
    void shouldAnswerNoStateBeforeItHasReadThosePublishedBeforeItStarted() throws Exception {
        KafkaConnection kafka = KafkaConnection.of(broker.bootstrapServers(), "catchup");
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties)) {
            for (int i = 0; i < 2_000; i++) {
                String id = "batch-" + i;
                producer.send(new ProducerRecord<>(kafka.topics().batches(), id.getBytes(StandardCharsets.UTF_8),
                        MessageCodec.encode(completed(id))));
            }
        }

        try (BatchStates states = new BatchStates(kafka).start()) {
            assertThat(states.get("batch-1999")).as("the first answer, asked at once").map(BatchState::status).contains("completed");
            assertThat(states.problem()).isNull();
        }
    }

    @Test
    void shouldBeReadyAtOnceWhenNoTrackerHasCreatedTheTopicYet() throws Exception {
        try (BatchStates states = new BatchStates(KafkaConnection.of(broker.bootstrapServers(), "no-tracker-yet")).start()) {
            assertThat(states.get("anything")).isEmpty();
            assertThat(states.problem()).isNull();
        }
    }

    private static BatchState completed(String batchId) {
        return new BatchState(batchId, "completed", "succeeded", new RequestCounts(1, 1, 0), Map.of(), Map.of(), Usage.ZERO,
                "in.jsonl", T0, T0, T0.plusSeconds(60), T0.plusSeconds(60), null, null, null, null, 1);
    }
}
