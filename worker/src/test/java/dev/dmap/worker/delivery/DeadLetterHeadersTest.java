package dev.dmap.worker.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.kafka.support.KafkaHeaders;

/** The dead-letter headers carry spring-kafka's names, so DLT tooling built on spring-kafka reads them. */
class DeadLetterHeadersTest {
    @Test
    void shouldUseSpringKafkasDeadLetterHeaderNames() {
        assertThat(DeadLetterHeaders.ORIGINAL_TOPIC).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TOPIC);
        assertThat(DeadLetterHeaders.ORIGINAL_PARTITION).isEqualTo(KafkaHeaders.DLT_ORIGINAL_PARTITION);
        assertThat(DeadLetterHeaders.ORIGINAL_OFFSET).isEqualTo(KafkaHeaders.DLT_ORIGINAL_OFFSET);
        assertThat(DeadLetterHeaders.ORIGINAL_TIMESTAMP).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP);
        assertThat(DeadLetterHeaders.ORIGINAL_TIMESTAMP_TYPE).isEqualTo(KafkaHeaders.DLT_ORIGINAL_TIMESTAMP_TYPE);
        assertThat(DeadLetterHeaders.ORIGINAL_CONSUMER_GROUP).isEqualTo(KafkaHeaders.DLT_ORIGINAL_CONSUMER_GROUP);
        assertThat(DeadLetterHeaders.EXCEPTION_FQCN).isEqualTo(KafkaHeaders.DLT_EXCEPTION_FQCN);
        assertThat(DeadLetterHeaders.EXCEPTION_MESSAGE).isEqualTo(KafkaHeaders.DLT_EXCEPTION_MESSAGE);
    }
}
