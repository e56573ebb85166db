package dev.dmap.schemas;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Worker status v1 (worker-status-v1.schema.json), on the compacted workers topic.
 *
 * @param workerId       the worker's id, also the record key
 * @param groupId        its consumer group
 * @param backendUrl     the LLM server it fronts
 * @param strategy       {@code fifo} or {@code affinity}
 * @param loadedModels   models the backend holds
 * @param servingModels  models the scheduler serves now
 * @param assignedModels models whose partitions it owns
 * @param inFlight       requests being served
 * @param waiting        requests fetched and waiting
 * @param modelLoads     model loads since start
 * @param backendUp      whether the backend answers
 * @param heartbeatAt    when this status was published
 * @param stopped        why the worker stopped on its own (its last status), or null while it runs
 * @param availableModels models its backend lists as available (it can load or serve them); null from a
 *                       worker older than this field
 * @param loadsLastHour  model loads in the last hour; null from a worker older than this field
 * @param loadSecondsLastHour the time those loads took, in seconds; null from a worker older than this field
 * @param earliestDeadlines each model with requests waiting in this worker, with the most urgent deadline
 *                       among them (of their highest priority); null from a worker older than this field
 * @param windows        each served or held model's in-flight window now: the server's slots, or on a server that reports
 *                       none the window the worker found; 0 while the model is paused; null from a worker
 *                       older than this field
 * @param schemaVersion  1
 */
public record WorkerStatus(
        String workerId,
        String groupId,
        String backendUrl,
        String strategy,
        List<String> loadedModels,
        List<String> servingModels,
        List<String> assignedModels,
        int inFlight,
        int waiting,
        long modelLoads,
        boolean backendUp,
        Instant heartbeatAt,
        @JsonInclude(JsonInclude.Include.NON_NULL) String stopped,
        int schemaVersion,
        @JsonInclude(JsonInclude.Include.NON_NULL) List<String> availableModels,
        @JsonInclude(JsonInclude.Include.NON_NULL) Integer loadsLastHour,
        @JsonInclude(JsonInclude.Include.NON_NULL) Double loadSecondsLastHour,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Instant> earliestDeadlines,
        @JsonInclude(JsonInclude.Include.NON_NULL) Map<String, Integer> windows) {

    /** A status without the windows (as workers before that field wrote it). */
    public WorkerStatus(String workerId, String groupId, String backendUrl, String strategy, List<String> loadedModels,
            List<String> servingModels, List<String> assignedModels, int inFlight, int waiting, long modelLoads, boolean backendUp,
            Instant heartbeatAt, String stopped, int schemaVersion, List<String> availableModels, Integer loadsLastHour,
            Double loadSecondsLastHour, Map<String, Instant> earliestDeadlines) {
        this(workerId, groupId, backendUrl, strategy, loadedModels, servingModels, assignedModels, inFlight, waiting, modelLoads,
                backendUp, heartbeatAt, stopped, schemaVersion, availableModels, loadsLastHour, loadSecondsLastHour,
                earliestDeadlines, null);
    }

    /** A status without the last hour's loads and the deadlines (as workers before those fields wrote it). */
    public WorkerStatus(String workerId, String groupId, String backendUrl, String strategy, List<String> loadedModels,
            List<String> servingModels, List<String> assignedModels, int inFlight, int waiting, long modelLoads, boolean backendUp,
            Instant heartbeatAt, String stopped, int schemaVersion, List<String> availableModels) {
        this(workerId, groupId, backendUrl, strategy, loadedModels, servingModels, assignedModels, inFlight, waiting, modelLoads,
                backendUp, heartbeatAt, stopped, schemaVersion, availableModels, null, null, null, null);
    }

    public WorkerStatus {
        Objects.requireNonNull(workerId, "worker_id");
        Objects.requireNonNull(groupId, "group_id");
        Objects.requireNonNull(heartbeatAt, "heartbeat_at");
        loadedModels = List.copyOf(loadedModels);
        servingModels = List.copyOf(servingModels);
        assignedModels = List.copyOf(assignedModels);
        availableModels = availableModels == null ? null : List.copyOf(availableModels);
        earliestDeadlines = earliestDeadlines == null ? null : Map.copyOf(earliestDeadlines);
        windows = windows == null ? null : Map.copyOf(windows);
    }
}
