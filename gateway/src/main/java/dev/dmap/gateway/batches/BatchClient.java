package dev.dmap.gateway.batches;

import dev.dmap.client.BatchFile;
import dev.dmap.client.CollectSummary;
import dev.dmap.client.OutputFiles;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * What the batches room asks of Kafka, through the client library: its one port, so that its
 * publication, retry and takeover rules are tested with a fake ({@link KafkaBatchClient} is the real one).
 */
public interface BatchClient {
    /**
     * Publishes the batch (or finishes an earlier, interrupted publication of it; publishes nothing
     * again when it was published).
     *
     * @param servedModels the models the fleet serves: a line naming another ends at once as a
     *                     {@code model_not_found} dead letter, and no topic is created for its model
     * @param maxPriority  the highest priority a line may have (a higher one is lowered to it), or null for any
     * @param cache        the response cache's use for lines without their own, or null for the default
     * @return the number of requests the batch has
     * @throws dev.dmap.client.ClientException when Kafka refuses or cannot be reached
     */
    long submit(BatchFile file, String batchId, Instant deadline, Set<String> servedModels, Integer maxPriority,
            dev.dmap.schemas.CacheControl cache);

    /** Writes the batch's outcomes into {@code files}, waiting at most a while for them to be readable. */
    CollectSummary collect(String batchId, OutputFiles files, Long total);

    /** Publishes the batch's cancel command. */
    void cancel(String batchId);

    /** The models the fleet's live workers serve; empty when no live worker has said (see {@link dev.dmap.client.FleetModels}). */
    Optional<Set<String>> servedModels();

    /** Where outcomes are read from, for a message that says where they were looked for. */
    String resultsTopic();
}
