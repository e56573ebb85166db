package dev.dmap.schemas.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;

/**
 * Reads topics from their beginning, without a consumer group: the one place that assigns a
 * reader every partition and seeks to the start, for the scans of the CLI and the client library,
 * the gateway's and the worker's followers of the batch topics, and the tests.
 */
public final class TopicScan {
    /** How long a scan waits for a topic's partitions to be known. */
    private static final Duration METADATA_WAIT = Duration.ofSeconds(15);

    private TopicScan() {
    }

    /**
     * Hands every record of {@code topics}, from their beginning to their end at the time of the
     * call, to {@code each}.
     *
     * @param consumerProperties a byte-array reader's settings, for example {@link ConsumerSettings#scan}
     */
    public static void readAll(Map<String, Object> consumerProperties, List<String> topics,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            readToEnd(consumer, assignFromBeginning(consumer, partitionsOf(consumer, topics, METADATA_WAIT)), each);
        }
    }

    /**
     * As {@link #readAll}, of the last {@code perPartition} records of each partition only (the most
     * recent ones): a look at what happened lately at the cost of a few fetches, whatever the topic's size.
     */
    public static void readTail(Map<String, Object> consumerProperties, List<String> topics, int perPartition,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            List<TopicPartition> partitions = partitionsOf(consumer, topics, METADATA_WAIT);
            consumer.assign(partitions);
            Map<TopicPartition, Long> begin = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            partitions.forEach(p -> consumer.seek(p, Math.max(begin.get(p), end.get(p) - perPartition)));
            readToEnd(consumer, partitions, each);
        }
    }

    /**
     * As {@link #readAll}, of the one partition of {@code topic} that a record keyed {@code key}
     * goes to with Kafka's default partitioner: all of a key's records, at a fraction of the cost.
     */
    public static void readKey(Map<String, Object> consumerProperties, String topic, byte[] key,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties)) {
            List<TopicPartition> all = partitionsOf(consumer, List.of(topic), METADATA_WAIT);
            if (all.isEmpty()) {
                return;
            }
            TopicPartition partition = new TopicPartition(topic, partitionOf(key, all.size()));
            readToEnd(consumer, assignFromBeginning(consumer, List.of(partition)), each);
        }
    }

    /** The partition Kafka's default partitioner gives a record keyed {@code key} among {@code partitions}. */
    public static int partitionOf(byte[] key, int partitions) {
        return Utils.toPositive(Utils.murmur2(key)) % partitions;
    }

    /** Every partition of {@code topics} (none for a topic that does not exist). */
    public static List<TopicPartition> partitionsOf(KafkaConsumer<?, ?> consumer, List<String> topics, Duration wait) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, wait);
            if (infos != null) {
                infos.forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
        }
        return partitions;
    }

    /** Assigns {@code partitions} to the consumer, positioned at their beginning; returns them. */
    public static List<TopicPartition> assignFromBeginning(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    private static void readToEnd(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions,
            Consumer<ConsumerRecord<byte[], byte[]>> each) {
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
            consumer.poll(Duration.ofMillis(200)).forEach(each);
        }
    }

    /** Every committed record of {@code topic} (read_committed), from its beginning to its current end. */
    public static List<ConsumerRecord<byte[], byte[]>> committed(String bootstrapServers, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        readAll(ConsumerSettings.scan(Map.of("bootstrap.servers", bootstrapServers)), List.of(topic), records::add);
        return records;
    }
}
