package dev.dmap.cli;

import dev.dmap.schemas.Topics;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/** Creates dmap's topics when they are missing; existing topics are left as they are. */
final class TopicSetup {
    /** Partitions of a new model request topic: how far one model's work can be spread over workers. */
    static final int DEFAULT_REQUEST_PARTITIONS = 6;
    static final int OUTPUT_PARTITIONS = 6;

    private TopicSetup() {
    }

    static void ensure(Admin admin, Topics topics, Collection<String> models, int requestPartitions) {
        List<NewTopic> wanted = new ArrayList<>();
        for (String model : models) {
            wanted.add(new NewTopic(topics.requests(model), Optional.of(requestPartitions), Optional.empty()));
        }
        wanted.add(new NewTopic(topics.results(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()));
        wanted.add(new NewTopic(topics.deadLetters(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()));
        wanted.add(new NewTopic(topics.batches(), Optional.of(1), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
        try {
            for (var future : admin.createTopics(wanted).values().values()) {
                try {
                    future.get(30, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new CliException(ExitCodes.UNREACHABLE, "could not create topics: " + e.getCause().getMessage());
                    }
                }
            }
            awaitLeaders(admin, wanted.stream().map(NewTopic::name).toList());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (TimeoutException | ExecutionException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Kafka did not make the topics ready within 30 s: " + e);
        }
    }

    /**
     * Waits until every partition has a leader. Producing to a partition in the moment between
     * its creation and its leader taking over can wedge an idempotent producer in
     * OUT_OF_ORDER_SEQUENCE_NUMBER retries (seen on Kafka 4.1 with a single broker).
     */
    private static void awaitLeaders(Admin admin, List<String> topicNames)
            throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            if (haveLeaders(admin, topicNames)) {
                return;
            }
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
