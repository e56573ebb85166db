package dev.dmap.worker.batches;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.state.Stores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every batch's state with Kafka Streams (exactly-once): results and dead letters become
 * per-batch deltas (each request counted once), merged with the batch commands, aggregated per
 * batch id into the compacted batches topic, with one event on batch-events when a batch ends.
 * Runs inside the workers; the instances share the work by partition.
 */
public final class BatchTracker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchTracker.class);
    /** Internal topics are created with the partitions of the results topic, so inputs are co-partitioned. */
    static final int PARTITIONS = dev.dmap.schemas.TopicProvisioner.OUTPUT_PARTITIONS;

    private final KafkaStreams streams;
    private volatile String failure;
    private volatile boolean closing;

    private BatchTracker(KafkaStreams streams) {
        this.streams = streams;
    }

    /**
     * @param retention how long a request's outcome is remembered for de-duplication
     * @param clientProperties extra client properties (security), applied to Streams' clients
     */
    public static BatchTracker start(Topics topics, String bootstrapServers, Map<String, String> clientProperties,
            String instanceId, Path stateDir, Duration retention) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, topics.prefix() + "-batch-tracker");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(instanceId).toString());
        props.put(StreamsConfig.CLIENT_ID_CONFIG, instanceId + "-batch-tracker");
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // how long an idle stream thread waits for input (records end the wait at once): Kafka's 100 ms
        // woke it ten times a second with nothing to do; batch states still go out every PUBLISH_INTERVAL or so
        props.put(StreamsConfig.POLL_MS_CONFIG, 500);
        props.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, -1);
        props.put(StreamsConfig.consumerPrefix("metadata.max.age.ms"), 5000);
        KafkaStreams streams = new KafkaStreams(topology(topics, retention), props);
        streams.setUncaughtExceptionHandler(error -> {
            log.error("The batch tracker failed; replacing its stream thread", error);
            return org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        BatchTracker tracker = new BatchTracker(streams);
        streams.setStateListener((to, from) -> {
            if (to == KafkaStreams.State.ERROR && !tracker.closing) {
                tracker.failure = "the batch tracker (Kafka Streams) stopped in state ERROR";
                log.error("The batch tracker stopped for good (state {} after {}); the worker stops with it", to, from);
            }
        });
        streams.start();
        return tracker;
    }

    static Topology topology(Topics topics, Duration retention) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(OutcomeDeduplicator.STORE),
                Serdes.String(), Serdes.String()));
        // cached: the changelog gets a batch's latest state once per commit, not once per outcome
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BatchAggregator.STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(BatchAggregator.UNPUBLISHED_STORE),
                Serdes.String(), Serdes.ByteArray()).withCachingEnabled());
        Consumed<String, byte[]> raw = Consumed.with(Serdes.String(), Serdes.ByteArray());
        KStream<String, BatchAggregator.TrackerInput> deltas = builder.stream(topics.results(), raw)
                .merge(builder.stream(topics.deadLetters(), raw))
                .process(() -> new OutcomeDeduplicator(retention), OutcomeDeduplicator.STORE)
                .repartition(Repartitioned.with(Serdes.String(), json(OutcomeDelta.class))
                        .withName("batch-deltas").withNumberOfPartitions(PARTITIONS))
                .mapValues(delta -> new BatchAggregator.TrackerInput(null, delta));
        KStream<String, BatchAggregator.TrackerInput> commands = builder
                .stream(topics.batchCommands(), Consumed.with(Serdes.String(), json(BatchCommand.class)))
                .filter((batchId, command) -> batchId != null && command != null)
                .mapValues(command -> new BatchAggregator.TrackerInput(command, null));
        KStream<String, BatchAggregator.TrackerOutput> outputs = deltas.merge(commands)
                .process(BatchAggregator::new, BatchAggregator.STORE, BatchAggregator.UNPUBLISHED_STORE);
        Produced<String, byte[]> produced = Produced.with(Serdes.String(), Serdes.ByteArray());
        outputs.mapValues(BatchAggregator.TrackerOutput::state).to(topics.batches(), produced);
        outputs.filter((batchId, output) -> output.event() != null).mapValues(BatchAggregator.TrackerOutput::event)
                .to(topics.batchEvents(), produced);
        return builder.build();
    }

    /** Whether the tracker is running (or rebalancing), for health checks. */
    public boolean running() {
        return streams.state().isRunningOrRebalancing();
    }

    /** Why the tracker stopped on its own, or null while it runs. */
    public String failure() {
        return failure;
    }

    @Override
    public void close() {
        closing = true;
        streams.close(Duration.ofSeconds(15));
    }

    static <T> Serde<T> json(Class<T> type) {
        return Serdes.serdeFrom((topic, value) -> value == null ? null : MessageCodec.encode(value),
                (topic, bytes) -> bytes == null ? null : MessageCodec.decode(bytes, type));
    }
}
