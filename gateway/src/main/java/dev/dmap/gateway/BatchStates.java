package dev.dmap.gateway;

import dev.dmap.cli.KafkaOptions;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest state of every batch, as the batch tracker publishes it on the compacted batches
 * topic: one consumer assigned to all its partitions from the start, following it for as long as
 * the gateway runs. A gateway that starts reads the topic again; it keeps nothing else.
 */
public final class BatchStates implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchStates.class);
    private final Map<String, BatchState> latest = new ConcurrentHashMap<>();
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile RuntimeException failure;

    public BatchStates(KafkaOptions kafka) {
        Map<String, Object> properties = new HashMap<>(kafka.clientProperties());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        this.consumer = new KafkaConsumer<>(properties);
        this.topic = kafka.topics().batches();
        this.thread = new Thread(this::follow, "gateway-batch-states");
        thread.setDaemon(true);
        thread.start();
    }

    public Optional<BatchState> get(String batchId) {
        if (failure != null) {
            throw ApiError.unavailable("batch states cannot be read from Kafka (" + failure.getMessage() + ")");
        }
        return Optional.ofNullable(latest.get(batchId));
    }

    private void follow() {
        try {
            List<TopicPartition> partitions = awaitPartitions();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    take(record);
                }
            }
        } catch (WakeupException e) {
            if (running) {
                throw e;
            }
        } catch (RuntimeException e) {
            failure = e;
            log.error("Reading batch states from {} stopped: {}; batch calls answer 503. Restart the gateway.", topic, e.toString());
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** The tracker creates the topic when the first worker starts: wait for it rather than fail. */
    private List<TopicPartition> awaitPartitions() {
        while (running) {
            var infos = consumer.partitionsFor(topic, Duration.ofSeconds(10));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            log.info("Waiting for topic {} (created by the first worker with the batch tracker)", topic);
            try {
                Thread.sleep(2_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new WakeupException();
            }
        }
        throw new WakeupException();
    }

    private void take(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return;
        }
        String batchId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            latest.remove(batchId);
            return;
        }
        try {
            latest.put(batchId, MessageCodec.decode(record.value(), BatchState.class));
        } catch (RuntimeException e) {
            log.warn("Skipped an unreadable batch state for {} at {}-{}@{}: {}", batchId, record.topic(), record.partition(),
                    record.offset(), e.getMessage());
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
