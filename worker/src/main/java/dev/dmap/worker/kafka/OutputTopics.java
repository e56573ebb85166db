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
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

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
            awaitLeaders(admin, wanted.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not describe dmap's output topics", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers() + " did not answer in 30 s", e);
        }
    }

    /**
     * Waits until every partition has a leader: producing in the moment between a partition's
     * creation and its leader taking over can wedge an idempotent producer in
     * OUT_OF_ORDER_SEQUENCE_NUMBER retries (seen on Kafka 4.1 with a single broker).
     */
    private static void awaitLeaders(Admin admin, List<String> topicNames)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!haveLeaders(admin, topicNames)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions without a leader");
            }
            Thread.sleep(100);
        }
    }

    private static boolean haveLeaders(Admin admin, List<String> topicNames)
            throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(topicNames).allTopicNames().get(30, TimeUnit.SECONDS).values().stream()
                    .flatMap(description -> description.partitions().stream())
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return false; // just created; the metadata has not reached the broker yet
            }
            throw e;
        }
    }
}
