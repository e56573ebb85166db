package dev.dmap.worker.fleet;

import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks the group for a rebalance when this worker has drained its own partitions while others
 * still have backlog, so the assignor can give it a share: at once when it drains, then every
 * check interval while it stays idle, at most once per cooldown (a new model topic triggers a
 * rebalance by itself through the pattern subscription).
 */
public final class RebalanceNudge implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(RebalanceNudge.class);
    public static final Duration CHECK_INTERVAL = Duration.ofSeconds(2);
    public static final Duration COOLDOWN = Duration.ofSeconds(10);

    private final Map<String, Object> adminConfig;
    private final String groupId;
    private final long minBacklog;
    private Admin admin;
    private long lastCheck = System.nanoTime();
    private long lastNudge = System.nanoTime() - COOLDOWN.toNanos();
    private boolean wasIdle;

    /** @param minBacklog the others' backlog below which a rebalance would not change anything */
    public RebalanceNudge(Map<String, Object> adminConfig, String groupId, long minBacklog) {
        this.adminConfig = adminConfig;
        this.groupId = groupId;
        this.minBacklog = minBacklog;
    }

    /** Called on every loop; cheap unless the worker has been idle for a check interval. */
    public void check(Consumer<byte[], byte[]> consumer, Set<TopicPartition> owned, boolean idle) {
        long now = System.nanoTime();
        if (!idle) {
            lastCheck = now;
            wasIdle = false;
            return;
        }
        boolean justDrained = !wasIdle;
        wasIdle = true;
        if ((!justDrained && now - lastCheck < CHECK_INTERVAL.toNanos()) || now - lastNudge < COOLDOWN.toNanos()) {
            return;
        }
        lastCheck = now;
        Set<TopicPartition> others = new HashSet<>();
        consumer.subscription().forEach(topic -> consumer.partitionsFor(topic).forEach(info ->
                others.add(new TopicPartition(topic, info.partition()))));
        others.removeAll(owned);
        try {
            Map<TopicPartition, Long> lag = LagReader.read(admin(), groupId, others);
            long backlog = lag.values().stream().mapToLong(Long::longValue).sum();
            if (backlog >= minBacklog) {
                lastNudge = now;
                log.info("Idle while other workers have {} requests waiting; asking for a rebalance", backlog);
                consumer.enforceRebalance("idle while others have backlog");
                return;
            }
            long orphaned = orphanedBacklog(lag);
            if (orphaned > 0) {
                lastNudge = now;
                log.warn("{} requests wait on partitions no worker owns (a hand-over the group did not finish);"
                        + " asking for a rebalance", orphaned);
                consumer.enforceRebalance("partitions with backlog and no owner");
            }
        } catch (Exception e) {
            log.debug("Could not read the group's lag: {}", e.toString());
        }
    }

    /**
     * The backlog on partitions no member of the group owns. A partition the assignor holds back
     * for a cooperative hand-over is normally assigned in the follow-up rebalance its old owner
     * asks for; when that never comes (the owner was frozen or fenced meanwhile), nobody would
     * serve those requests, however few they are.
     */
    private long orphanedBacklog(Map<TopicPartition, Long> lag) throws Exception {
        if (lag.values().stream().noneMatch(waiting -> waiting > 0)) {
            return 0;
        }
        Set<TopicPartition> owned = new HashSet<>();
        admin().describeConsumerGroups(java.util.List.of(groupId)).all().get(10, java.util.concurrent.TimeUnit.SECONDS)
                .get(groupId).members().forEach(member -> owned.addAll(member.assignment().topicPartitions()));
        return lag.entrySet().stream().filter(entry -> !owned.contains(entry.getKey()))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private Admin admin() {
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
