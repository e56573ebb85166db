package dev.dmap.client;

import dev.dmap.schemas.TopicProvisioner;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** The topics a batch needs, created before its requests are published. */
final class TopicSetup {
    private TopicSetup() {
    }

    /** Creates what is missing and raises existing request topics to the partitions and record size dmap needs. */
    static void ensure(Admin admin, KafkaConnection kafka, Collection<String> models, int maxRequestBytes) {
        try {
            new TopicProvisioner(admin, kafka.topics(), TopicProvisioner.REQUEST_PARTITIONS, maxRequestBytes, kafka.replication())
                    .ensureAll(models);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (TimeoutException | IllegalStateException e) {
            throw KafkaTrouble.explainIfKafka(e, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                    "Kafka did not make the topics ready: " + e.getMessage(), null, false, e));
        }
    }
}
