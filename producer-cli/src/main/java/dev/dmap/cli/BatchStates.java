package dev.dmap.cli;

import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/** Reads the latest state of batches from the compacted batches topic, from the beginning to its current end. */
final class BatchStates {
    private BatchStates() {
    }

    static Optional<BatchState> latest(KafkaConsumer<byte[], byte[]> consumer, String topic, String batchId) {
        return Optional.ofNullable(all(consumer, topic).get(batchId));
    }

    static Map<String, BatchState> all(KafkaConsumer<byte[], byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(15)).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<String, BatchState> states = new HashMap<>();
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.key() == null) {
                    continue;
                }
                String key = new String(record.key(), StandardCharsets.UTF_8);
                if (record.value() == null) {
                    states.remove(key);
                } else {
                    states.put(key, MessageCodec.decode(record.value(), BatchState.class));
                }
            }
        }
        return states;
    }
}
