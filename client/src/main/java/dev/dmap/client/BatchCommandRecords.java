package dev.dmap.client;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.MessageCodec;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Batch commands on the commands topic, keyed by batch id (so all of a batch's commands share a partition). */
final class BatchCommandRecords {
    private BatchCommandRecords() {
    }

    static ProducerRecord<byte[], byte[]> of(KafkaConnection kafka, BatchCommand command) {
        return new ProducerRecord<>(kafka.topics().batchCommands(), command.batchId().getBytes(StandardCharsets.UTF_8),
                MessageCodec.encode(command));
    }

    /** Sends the command and waits for the broker to have it. */
    static void send(KafkaConnection kafka, Producer<byte[], byte[]> producer, BatchCommand command) {
        try {
            producer.send(of(kafka, command)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (ExecutionException e) {
            throw KafkaTrouble.explainIfKafka(e.getCause(), kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                    "publishing the batch command failed: " + e.getCause().getMessage(), null, false, e.getCause()));
        }
    }
}
