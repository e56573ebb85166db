package dev.dmap.schemas.kafka;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** The consumer settings dmap's readers share, assembled in one place. */
public final class ConsumerSettings {
    /** Records handed over per poll by a scan: enough to read a topic quickly, few enough to stay small. */
    static final int SCAN_MAX_POLL_RECORDS = 2000;
    /** A scan reads what is there; it never waits long for more. */
    static final int SCAN_FETCH_MAX_WAIT_MS = 50;

    private ConsumerSettings() {
    }

    /**
     * A reader of dmap's topics without a consumer group: committed records only, as bytes, nothing
     * committed, and never creating a topic it asks for (a missing topic read would be created with
     * the broker's defaults: the batches topic uncompacted, a request topic with one partition).
     *
     * @param client the connection's properties (bootstrap servers, security); not changed
     */
    public static Map<String, Object> readCommittedBytes(Map<String, Object> client) {
        Map<String, Object> props = new HashMap<>(client);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    /** {@link #readCommittedBytes} for a scan of topics from their beginning to their end ({@link TopicScan}). */
    public static Map<String, Object> scan(Map<String, Object> client) {
        Map<String, Object> props = readCommittedBytes(client);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, SCAN_MAX_POLL_RECORDS);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, SCAN_FETCH_MAX_WAIT_MS);
        return props;
    }
}
