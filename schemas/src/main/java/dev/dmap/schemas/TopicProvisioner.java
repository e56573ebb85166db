package dev.dmap.schemas;

import java.time.Duration;
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
 * compacted batches topic, request topics that carry a request of the size limit), and waits until
 * every partition has a leader. Of an existing topic only what a request topic needs is changed
 * ({@link #alignRequestTopics(Collection)}): its partitions and {@code max.message.bytes} are
 * raised, never lowered; every other setting an operator made is left as it is.
 */
public final class TopicProvisioner {
    /**
     * Partitions of a new model request topic: how far one model's work can spread over workers,
     * and how finely the fleet can share it out (scenario b: a model with a third of the work took
     * one GPU 2,400 requests while the others had 1,900 with 6; docs/benchmarks.md).
     */
    public static final int REQUEST_PARTITIONS = 12;
    public static final int OUTPUT_PARTITIONS = 6;
    static final long TIMEOUT_SECONDS = 30;
    /** How long the response cache keeps an entry unless the worker is told otherwise ({@code dmap.cache.ttl}). */
    public static final Duration CACHE_TTL = Duration.ofDays(30);
    /** How much the response cache topic keeps per partition unless told otherwise ({@code dmap.cache.max-bytes}). */
    public static final long CACHE_BYTES_PER_PARTITION = 2L * 1024 * 1024 * 1024;
    /** How long cancels of online calls are kept. */
    static final long CANCELS_RETENTION_MS = 3_600_000;

    private final Admin admin;
    private final Topics topics;
    private final int requestPartitions;
    private final int maxRequestBytes;
    private final TopicReplication replication;

    /** With the default partitions and size limit ({@link Limits#DEFAULT_MAX_REQUEST_BYTES}). */
    public TopicProvisioner(Admin admin, Topics topics) {
        this(admin, topics, REQUEST_PARTITIONS, Limits.DEFAULT_MAX_REQUEST_BYTES);
    }

    /**
     * @param requestPartitions partitions of every request topic (created with them, raised to them)
     * @param maxRequestBytes   the request size limit; request topics carry records of
     *                          {@link Limits#outputRecordBytes(int)}
     */
    public TopicProvisioner(Admin admin, Topics topics, int requestPartitions, int maxRequestBytes) {
        this(admin, topics, requestPartitions, maxRequestBytes, TopicReplication.clusterDefaults());
    }

    /** @param replication how the topics it creates are replicated (existing topics are left as they are) */
    public TopicProvisioner(Admin admin, Topics topics, int requestPartitions, int maxRequestBytes, TopicReplication replication) {
        if (requestPartitions <= 0) {
            throw new IllegalArgumentException("requestPartitions must be positive: " + requestPartitions);
        }
        this.admin = admin;
        this.topics = topics;
        this.requestPartitions = requestPartitions;
        this.maxRequestBytes = Limits.requirePositive(maxRequestBytes);
        this.replication = java.util.Objects.requireNonNull(replication, "replication");
    }

    /**
     * Request topics for the given models, plus every shared topic; request topics that already
     * existed are aligned ({@link #alignRequestTopics(Collection)}).
     *
     * @return what was changed on existing request topics, empty when nothing was
     */
    public List<RequestTopicAligner.Change> ensureAll(Collection<String> models)
            throws TimeoutException, InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        List<String> requestTopics = models.stream().map(topics::requests).distinct().toList();
        for (String topic : requestTopics) {
            wanted.add(new NewTopic(topic, Optional.of(requestPartitions), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Limits.outputRecordBytes(maxRequestBytes)))));
        }
        wanted.addAll(outputTopics());
        ensure(wanted);
        return alignRequestTopics(requestTopics);
    }

    /**
     * The online topics of the given models (made like request topics, so that a request of the size
     * limit travels and a model's calls can spread over workers), plus every shared topic.
     */
    public void ensureOnline(Collection<String> models) throws TimeoutException, InterruptedException {
        List<NewTopic> wanted = new ArrayList<>();
        List<String> onlineTopics = models.stream().map(topics::online).distinct().toList();
        for (String topic : onlineTopics) {
            wanted.add(new NewTopic(topic, Optional.of(requestPartitions), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Limits.outputRecordBytes(maxRequestBytes)))));
        }
        wanted.addAll(outputTopics());
        ensure(wanted);
    }

    /** The results, dead-letter, batch (state, commands, events) and workers topics. */
    public void ensureOutputs() throws TimeoutException, InterruptedException {
        ensure(outputTopics());
    }

    /**
     * Raises each existing request topic to the configured partitions ({@code createPartitions}) and
     * its {@code max.message.bytes} to {@link Limits#outputRecordBytes(int)} of the size limit, when it
     * has fewer or a smaller one: a topic a foreign producer's first publish created has the
     * broker's defaults (often 1 partition and 1 MiB). Logs each change at INFO. Missing topics are
     * skipped. More partitions change which partition a key goes to; dmap does not promise request
     * order within a model.
     *
     * @return the changes made, empty when every topic was already aligned
     */
    public List<RequestTopicAligner.Change> alignRequestTopics(Collection<String> requestTopics)
            throws TimeoutException, InterruptedException {
        return new RequestTopicAligner(admin, requestPartitions, Limits.outputRecordBytes(maxRequestBytes))
                .align(requestTopics);
    }

    /** {@link #alignRequestTopics(Collection)} for every request and online topic. */
    public List<RequestTopicAligner.Change> alignRequestTopics() throws TimeoutException, InterruptedException {
        try {
            List<String> names = admin.listTopics().names().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).stream()
                    .filter(name -> topics.servedPattern().matcher(name).matches()).sorted().toList();
            return alignRequestTopics(names);
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not list the request topics: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** Results and dead letters carry a request's answer or its original: sized for the limit. */
    private Map<String, String> outcomeSize() {
        return Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Limits.outputRecordBytes(maxRequestBytes)));
    }

    private List<NewTopic> outputTopics() {
        return List.of(
                new NewTopic(topics.results(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()).configs(outcomeSize()),
                new NewTopic(topics.deadLetters(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()).configs(outcomeSize()),
                new NewTopic(topics.batches(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                new NewTopic(topics.workers(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)),
                // as many partitions as the results: the batch tracker co-partitions them by batch id
                new NewTopic(topics.batchCommands(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()),
                new NewTopic(topics.batchEvents(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()),
                // the response cache: the newest entry per key, and none older than its time to live
                new NewTopic(topics.cache(), Optional.of(OUTPUT_PARTITIONS), Optional.empty()).configs(Map.of(
                        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(CACHE_TTL.toMillis()),
                        TopicConfig.RETENTION_BYTES_CONFIG, String.valueOf(CACHE_BYTES_PER_PARTITION),
                        TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Limits.outputRecordBytes(maxRequestBytes)))),
                // an online call's cancel matters for as long as the call could wait: an hour is plenty
                new NewTopic(topics.cancels(), Optional.of(1), Optional.empty())
                        .configs(Map.of(TopicConfig.RETENTION_MS_CONFIG, String.valueOf(CANCELS_RETENTION_MS))));
    }

    private void ensure(List<NewTopic> wanted) throws TimeoutException, InterruptedException {
        try {
            for (var future : admin.createTopics(wanted.stream().map(this::replicated).toList()).values().values()) {
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

    /** A topic as this provisioner's replication settings make it. */
    private NewTopic replicated(NewTopic topic) {
        return new NewTopic(topic.name(), Optional.of(topic.numPartitions()), replication.replicationFactor())
                .configs(replication.withMinInsync(topic.configs() == null ? Map.of() : topic.configs()));
    }

    /**
     * Producing in the moment between a partition's creation and its leader taking over can wedge
     * an idempotent producer in OUT_OF_ORDER_SEQUENCE_NUMBER retries (seen with Kafka 4.1 on a
     * single broker), so wait for the leaders.
     */
    static void awaitLeaders(Admin admin, List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (!haveLeaders(admin, names)) {
            if (System.nanoTime() > deadline) {
                throw new TimeoutException("partitions of " + names + " still have no leader");
            }
            Thread.sleep(100);
        }
    }

    private void awaitLeaders(List<String> names) throws InterruptedException, ExecutionException, TimeoutException {
        awaitLeaders(admin, names);
    }

    private static boolean haveLeaders(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException, TimeoutException {
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
