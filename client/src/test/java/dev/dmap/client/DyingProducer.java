package dev.dmap.client;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * A real producer whose process "dies" after a number of sends: what it sent so far is on the
 * broker (flushed), its open transaction is neither committed nor aborted, and it closes without
 * telling the broker anything, as a killed process would.
 */
final class DyingProducer extends KafkaProducer<byte[], byte[]> {
    private final int sendsBeforeDeath;
    private int sends;

    DyingProducer(Map<String, Object> properties, int sendsBeforeDeath) {
        super(properties);
        this.sendsBeforeDeath = sendsBeforeDeath;
    }

    @Override
    public synchronized Future<RecordMetadata> send(ProducerRecord<byte[], byte[]> record, Callback callback) {
        if (sends++ == sendsBeforeDeath) {
            super.flush();
            throw new KafkaException("injected: the process died");
        }
        return super.send(record, callback);
    }

    @Override
    public void abortTransaction() {
        throw new KafkaException("injected: a dead process aborts nothing");
    }

    @Override
    public void close() {
        super.close(Duration.ZERO); // a forced close sends no abort to the broker
    }
}
