package dev.dmap.worker.delivery;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.schemas.testing.MutableClock;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TransactionAbortedException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A send's failure counts against its own transaction only. kafka-clients' MockProducer, whose
 * send callbacks are held and called by hand, when and with what the test says, as the real
 * producer's thread calls them.
 */
class TransactionalProducerTest {
    private static final ConsumerGroupMetadata GROUP = new ConsumerGroupMetadata("workers");
    private final HeldCallbacks mock = new HeldCallbacks();
    private final TransactionalProducer producer = new TransactionalProducer(() -> mock, new MutableClock());

    /** A MockProducer that completes every send itself but keeps the caller's callback for the test to call. */
    private static final class HeldCallbacks extends MockProducer<byte[], byte[]> {
        final java.util.List<org.apache.kafka.clients.producer.Callback> callbacks = new java.util.ArrayList<>();

        HeldCallbacks() {
            super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
        }

        @Override
        public synchronized java.util.concurrent.Future<org.apache.kafka.clients.producer.RecordMetadata> send(
                ProducerRecord<byte[], byte[]> record, org.apache.kafka.clients.producer.Callback callback) {
            callbacks.add(callback);
            return super.send(record, null);
        }

        void fail(int send, Exception error) {
            callbacks.get(send).onCompletion(null, error);
        }

        void succeed(int send) {
            callbacks.get(send).onCompletion(new org.apache.kafka.clients.producer.RecordMetadata(
                    new org.apache.kafka.common.TopicPartition("dmap.results", 0), 0, 0, 0, 0, 0), null);
        }
    }

    @Test
    void shouldNotCountARecordOfAnAbortedTransactionThatFailsLateAgainstTheNextOne() {
        producer.begin();
        producer.send(record("of the transaction that is aborted"));
        producer.abort();
        producer.begin();
        producer.send(record("served again in the next one"));

        // an abort fails its transaction's unsent records on the producer's thread, maybe after the next began
        mock.fail(0, new TransactionAbortedException("Failing batch since transaction was aborted"));
        mock.succeed(1);

        assertThatCode(() -> producer.commit(Map.of(), GROUP)).doesNotThrowAnyException();
    }

    @Test
    void shouldFailTheCommitOfATransactionWhoseOwnRecordFailed() {
        producer.begin();
        producer.send(record("fails"));
        mock.fail(0, new KafkaException("the broker is away"));

        assertThatThrownBy(() -> producer.commit(Map.of(), GROUP)).isInstanceOf(KafkaException.class)
                .hasMessage("a record of the transaction failed").hasRootCauseMessage("the broker is away");
    }

    private static ProducerRecord<byte[], byte[]> record(String what) {
        return new ProducerRecord<>("dmap.results", what.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
