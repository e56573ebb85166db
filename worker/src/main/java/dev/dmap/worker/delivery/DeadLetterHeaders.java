package dev.dmap.worker.delivery;

import dev.dmap.schemas.DeadLetter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * The headers on a dead letter: the original record's own headers, then spring-kafka's standard
 * {@code kafka_dlt-*} headers, encoded as spring-kafka's DeadLetterPublishingRecoverer encodes
 * them (partition as a 4-byte int, offset and timestamp as 8-byte longs, text as UTF-8), so
 * existing DLT tooling reads them; plus {@code dmap-error-code}.
 */
public final class DeadLetterHeaders {
    public static final String ERROR_CODE = "dmap-error-code";
    /*
     * spring-kafka's header names (its KafkaHeaders.DLT_*), written out so that the worker's core needs
     * no Spring: DeadLetterHeadersTest holds them equal to spring-kafka's.
     */
    static final String ORIGINAL_TOPIC = "kafka_dlt-original-topic";
    static final String ORIGINAL_PARTITION = "kafka_dlt-original-partition";
    static final String ORIGINAL_OFFSET = "kafka_dlt-original-offset";
    static final String ORIGINAL_TIMESTAMP = "kafka_dlt-original-timestamp";
    static final String ORIGINAL_TIMESTAMP_TYPE = "kafka_dlt-original-timestamp-type";
    static final String ORIGINAL_CONSUMER_GROUP = "kafka_dlt-original-consumer-group";
    static final String EXCEPTION_FQCN = "kafka_dlt-exception-fqcn";
    static final String EXCEPTION_MESSAGE = "kafka_dlt-exception-message";
    /**
     * What {@code kafka_dlt-exception-fqcn} names: dmap fails requests, it does not throw, so the
     * header names the record that says why (its code is also in {@link #ERROR_CODE}).
     */
    public static final String FAILURE_TYPE = dev.dmap.schemas.DeadLetter.class.getName();

    private DeadLetterHeaders() {
    }

    public static void write(Headers headers, ConsumerRecord<byte[], byte[]> original, DeadLetter deadLetter, String groupId) {
        for (Header header : original.headers()) {
            if (!header.key().startsWith("kafka_dlt-")) {
                headers.add(header.key(), header.value());
            }
        }
        headers.add(ORIGINAL_TOPIC, utf8(original.topic()));
        headers.add(ORIGINAL_PARTITION, ByteBuffer.allocate(Integer.BYTES).putInt(original.partition()).array());
        headers.add(ORIGINAL_OFFSET, ByteBuffer.allocate(Long.BYTES).putLong(original.offset()).array());
        headers.add(ORIGINAL_TIMESTAMP, ByteBuffer.allocate(Long.BYTES).putLong(original.timestamp()).array());
        headers.add(ORIGINAL_TIMESTAMP_TYPE, utf8(original.timestampType().toString()));
        headers.add(ORIGINAL_CONSUMER_GROUP, utf8(groupId));
        headers.add(EXCEPTION_FQCN, utf8(FAILURE_TYPE));
        headers.add(EXCEPTION_MESSAGE, utf8(deadLetter.error().code() + ": " + deadLetter.error().message()));
        headers.add(ERROR_CODE, utf8(deadLetter.error().code()));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
