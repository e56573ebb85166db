package dev.dmap.client;

import dev.dmap.schemas.Limits;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** The client library's producer settings, in one place: durable, idempotent, sized for the request limit. */
final class ProducerSettings {
    /**
     * The broker aborts a submit's transaction that stays open longer than this: the upper bound of
     * the time a submit may take to publish (the broker's default {@code transaction.max.timeout.ms}).
     */
    static final Duration TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    /**
     * How long closing a producer may take: its unsent records and an open transaction's abort get
     * this long, then it is closed by force. Never without a bound, as {@code close()} is: with
     * the coordinator away it waits for ever.
     */
    static final Duration CLOSE_WITHIN = Duration.ofSeconds(30);

    private ProducerSettings() {
    }

    /** An idempotent producer whose records carry requests of up to {@code maxRequestBytes}. */
    static Map<String, Object> idempotent(KafkaConnection kafka, int maxRequestBytes) {
        Map<String, Object> props = kafka.clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.LINGER_MS_CONFIG, 10);
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Limits.recordBytes(maxRequestBytes));
        // the limit's records must fit the producer's buffer, with room for the next ones
        props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Math.max(32L * 1024 * 1024, 4L * Limits.recordBytes(maxRequestBytes)));
        // One request in flight per connection: with several, a request to a just-created partition
        // can fail NOT_LEADER while the next one succeeds, and the first then spins on
        // OUT_OF_ORDER_SEQUENCE_NUMBER until it expires: silent loss (KAFKA-15591, fixed after 4.1).
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return props;
    }

    /** {@link #idempotent} and transactional, with the transactional id given. */
    static Map<String, Object> transactional(KafkaConnection kafka, int maxRequestBytes, String transactionalId) {
        Map<String, Object> props = idempotent(kafka, maxRequestBytes);
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
        props.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) TRANSACTION_TIMEOUT.toMillis());
        return props;
    }
}
