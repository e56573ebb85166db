package dev.dmap.worker.kafka;

import dev.dmap.schemas.Topics;
import dev.dmap.worker.config.KafkaSettings;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the results and dead-letter topics when they are missing, so the first outcome has somewhere to go. */
final class OutputTopics {
    static final int PARTITIONS = 6;

    private OutputTopics() {
    }

    static void ensure(KafkaSettings settings, Topics topics) {
        try (Admin admin = Admin.create(ClientProperties.admin(settings))) {
            List<NewTopic> wanted = List.of(
                    new NewTopic(topics.results(), Optional.of(PARTITIONS), Optional.empty()),
                    new NewTopic(topics.deadLetters(), Optional.of(PARTITIONS), Optional.empty()));
            for (var future : admin.createTopics(wanted).values().values()) {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("could not create dmap's output topics", e.getCause());
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer in 30 s", e);
        }
    }
}
