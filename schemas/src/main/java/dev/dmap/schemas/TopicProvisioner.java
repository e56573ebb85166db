package dev.dmap.schemas;

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

/**
 * Creates dmap's topics when they are missing, with their conventions (partition counts, a
 * compacted batches topic), and waits until every partition has a leader. Existing topics are
 * left as they are, so an operator's own settings win.
 */
public final class TopicProvisioner {
    /** Partitions of a new model request topic: how far one model's work can spread over workers. */
    public static final int REQUEST_PARTITIONS = 6;
    public static final int OUTPUT_PARTITIONS = 6;
    private static final long TIMEOUT_SECONDS = 30;

    private final Admin admin;
    private final Topics topics;

    public TopicProvisioner(Admin admin, Topics topics) {
        this.admin = admin;
        this.topics = topics;
    }

    /** Request topics for the given models, plus every shared topic. */
    public void ensureAll(Collection<String> models) throws TimeoutException, InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        for (String model : models) {
            wanted.add(new NewTopic(topics.requests(model), Optional.of(REQUEST_PARTITIONS), Optional.empty()));
        }
        wanted.addAll(outputTopics());
        ensure(wanted);
    }

    /** The results, dead-letter, batch (state, commands, events) and workers topics. */
    public void ensureOutputs() throws TimeoutException, InterruptedException {
        ensure(outputTopics());
    }

    private List<NewTopic> outputTopics() {
        return List.of(
                new NewTopic(topics.results(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()),
                new NewTopic(topics.deadLetters(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()),
                new NewTopic(topics.batches(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topics.workers(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                // as many partitions as the results: the batch tracker co-partitions them by batch id
                new NewTopic(topics.batchCommands(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()),
                new NewTopic(topics.batchEvents(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()));
    }

    private void ensure(List<NewTopic> wanted) throws TimeoutException, InterruptedException {
        try {
            for (var future : admin.createTopics(wanted).values().values()) {
                try {
                    future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            awaitLeaders(wanted.stream().map(NewTopic::name).toList());
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not create dmap's topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /**
     * Producing in the moment between a partition's creation and its leader taking over can wedge
     * an idempotent producer in OUT_OF_ORDER_SEQUENCE_NUMBER retries (seen with Kafka 4.1 on a
     * single broker), so wait for the leaders.
     */
    private void awaitLeaders(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!haveLeaders(names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + names + " still have no leader");
            }
            Thread.sleep(100);
        }
    }

    private boolean haveLeaders(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        try {
            return admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values().stream()
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
