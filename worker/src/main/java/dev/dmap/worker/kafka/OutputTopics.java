package dev.dmap.worker.kafka;

import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.KafkaSettings;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** Creates the results, dead-letter and batches topics when they are missing, so the first outcome has somewhere to go. */
public final class OutputTopics {
    private OutputTopics() {
    }

    public static void ensure(KafkaSettings settings, Topics topics) {
        try (Admin admin = Admin.create(ClientProperties.admin(settings))) {
            new TopicProvisioner(admin, topics).ensureOutputs();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not make dmap's topics ready", e);
        }
    }
}
