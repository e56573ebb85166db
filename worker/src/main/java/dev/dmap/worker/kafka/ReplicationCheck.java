package dev.dmap.worker.kafka;

import dev.dmap.schemas.TopicReplication;
import dev.dmap.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At start-up, on a cluster of three brokers or more: says loudly which of dmap's output and state
 * topics have fewer than three replicas, since one broker's loss can then lose committed results
 * or stop every worker (docs/configuration.md, "Running on a production cluster").
 */
final class ReplicationCheck {
    private static final Logger log = LoggerFactory.getLogger(ReplicationCheck.class);
    private static final long TIMEOUT_SECONDS = 30;

    private ReplicationCheck() {
    }

    /** The output and state topics with fewer replicas than a cluster of this size should give them, with their counts. */
    static Map<String, Integer> underReplicated(Admin admin, Topics topics)
            throws InterruptedException, ExecutionException, TimeoutException {
        int brokers = admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
        Map<String, Integer> few = new TreeMap<>();
        if (brokers < TopicReplication.PRODUCTION_REPLICAS) {
            return few;
        }
        List<String> names = List.of(topics.results(), topics.deadLetters(), topics.batches(), topics.batchCommands(),
                topics.batchEvents(), topics.workers(), topics.cache());
        for (TopicDescription topic : admin.describeTopics(names).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).values()) {
            int replicas = topic.partitions().stream().mapToInt(partition -> partition.replicas().size()).min().orElse(0);
            if (replicas < TopicReplication.PRODUCTION_REPLICAS) {
                few.put(topic.name(), replicas);
            }
        }
        return few;
    }

    /** Logs one WARN naming the under-replicated topics; a check that cannot run is no reason to stop. */
    static void warnIfUnderReplicated(Admin admin, Topics topics) {
        try {
            Map<String, Integer> few = underReplicated(admin, topics);
            if (!few.isEmpty()) {
                log.warn("On a cluster of {} or more brokers these dmap topics have fewer than {} replicas: {}. Losing one"
                        + " broker can lose committed results or stop every worker. New topics: set"
                        + " dmap.kafka.replication-factor=3 and dmap.kafka.min-insync-replicas=2 (or the cluster's"
                        + " default.replication.factor); existing ones: kafka-reassign-partitions"
                        + " (docs/configuration.md, Running on a production cluster)",
                        TopicReplication.PRODUCTION_REPLICAS, TopicReplication.PRODUCTION_REPLICAS, few);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.debug("Could not check the replication of dmap's topics: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
