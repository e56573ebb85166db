package dev.dmap.worker.kafka;

import dev.dmap.worker.config.KafkaSettings;
import dev.dmap.worker.fleet.ModelAffinityAssignor;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The worker's Kafka client configuration; the user's extra properties win. */
public final class ClientProperties {
    /** How often a worker's consumer tells the group coordinator it is alive, and learns of a rebalance. */
    static final int HEARTBEAT_INTERVAL_MS = 500;

    private ClientProperties() {
    }

    /**
     * @param affinity     use dmap's model-affinity assignor (else cooperative-sticky, the FIFO baseline)
     * @param loadedModels what this worker's backend holds, sent to the group leader at each rebalance
     */
    public static Map<String, Object> consumer(KafkaSettings settings, String clientId, boolean affinity,
            Supplier<Set<String>> loadedModels, long loadCost) {
        Map<String, Object> props = new HashMap<>();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-consumer");
        // Static membership: a worker that restarts (after a crash, say) takes its partitions back at
        // once instead of waiting out the session timeout; a clean stop leaves the group explicitly.
        props.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, clientId);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // requests published in an aborted transaction are not requests
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 500);
        // the pattern subscription sees a new model's topic this soon
        props.put(ConsumerConfig.METADATA_MAX_AGE_CONFIG, (int) settings.metadataMaxAge().toMillis());
        // A rebalance round waits for every member's next heartbeat, and a partition that moves
        // between workers takes two rounds (cooperative): at Kafka's default 3 s, a GPU could wait
        // 6 s for work the fleet already decided to give it. 500 ms keeps that under a second.
        props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, HEARTBEAT_INTERVAL_MS);
        props.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                affinity ? ModelAffinityAssignor.class.getName() : CooperativeStickyAssignor.class.getName());
        props.put(ModelAffinityAssignor.LOADED_MODELS_CONFIG, loadedModels);
        props.put(ModelAffinityAssignor.LOAD_COST_CONFIG, loadCost);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.putAll(settings.clientProperties());
        return props;
    }

    public static Map<String, Object> producer(KafkaSettings settings, String clientId, int maxRequestBytes) {
        Map<String, Object> props = new HashMap<>();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId + "-producer");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        // One request in flight per connection avoids KAFKA-15591 (a retried first batch to a
        // just-created partition spinning on OUT_OF_ORDER_SEQUENCE_NUMBER until it expires).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        // the poll thread sends and commits: while the broker is away, a call must give up long
        // before liveness calls the loop stalled (2 minutes), so the loop keeps polling and retrying
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) MAX_BLOCK.toMillis());
        // large enough for the dead letter of a request at the size limit (its original inside)
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, dev.dmap.schemas.Limits.outputRecordBytes(maxRequestBytes));
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.putAll(settings.clientProperties());
        return props;
    }

    /**
     * The producer of online replies: idempotent and acknowledged by every in-sync replica like the
     * results (a reply acknowledged by a leader that dies before its followers copy it would be lost
     * to a caller who waits), sent at once, retried through a leader's failover for up to two
     * minutes, and kept in order (a call's events before its outcome).
     */
    public static Map<String, Object> replyProducer(KafkaSettings settings, String clientId, int maxRequestBytes) {
        Map<String, Object> props = producer(settings, clientId + "-replies", maxRequestBytes);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        // a reply topic that is gone (its gateway stopped) must not hold a slot's thread for long
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
        props.putAll(settings.clientProperties());
        return props;
    }

    /** A transactional producer for exactly-once delivery. */
    public static Map<String, Object> transactionalProducer(KafkaSettings settings, String clientId, String transactionalId,
            int maxRequestBytes) {
        Map<String, Object> props = producer(settings, clientId, maxRequestBytes);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        return props;
    }

    /** How long a producer call may block the poll thread (metadata, a transaction step) before it fails. */
    static final java.time.Duration MAX_BLOCK = java.time.Duration.ofSeconds(15);

    public static Map<String, Object> admin(KafkaSettings settings) {
        Map<String, Object> props = new HashMap<>(settings.clientProperties());
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        return props;
    }
}
