package dev.dmap.gateway.batches;

import dev.dmap.client.BatchFile;
import dev.dmap.client.Cancellation;
import dev.dmap.client.CollectSummary;
import dev.dmap.client.Collector;
import dev.dmap.client.FleetModels;
import dev.dmap.client.KafkaConnection;
import dev.dmap.client.OutputFiles;
import dev.dmap.client.ProgressListener;
import dev.dmap.client.Submitter;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/** {@link BatchClient} over the client library and Kafka. */
public final class KafkaBatchClient implements BatchClient {
    /** How long one collect of an ended batch may take, reading included (a large batch takes a while). */
    private static final Duration COLLECT_PATIENCE = Duration.ofMinutes(10);
    private final KafkaConnection kafka;
    private final Clock clock;

    public KafkaBatchClient(KafkaConnection kafka, Clock clock) {
        this.kafka = kafka;
        this.clock = clock;
    }

    @Override
    public long submit(BatchFile file, String batchId, Instant deadline, Set<String> servedModels, Integer maxPriority,
            dev.dmap.schemas.CacheControl cache) {
        return new Submitter(kafka, clock).submit(file, batchId, new Submitter.Options(deadline, null, servedModels, maxPriority, cache),
                ProgressListener.NONE).total();
    }

    @Override
    public CollectSummary collect(String batchId, OutputFiles files, Long total) {
        Collector.Options options = Collector.Options.DEFAULT.withPatience(COLLECT_PATIENCE).fresh(true).knownTotal(total);
        return new Collector(kafka).collect(batchId, files, options, ProgressListener.NONE);
    }

    @Override
    public void cancel(String batchId) {
        new Cancellation(kafka, clock).request(batchId);
    }

    @Override
    public Optional<Set<String>> servedModels() {
        return new FleetModels(kafka, clock).served();
    }

    @Override
    public String resultsTopic() {
        return kafka.topics().results();
    }
}
