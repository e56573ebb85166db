package dev.dmap.client;

import dev.dmap.schemas.PromptTokens;
import dev.dmap.schemas.WorkerStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a valid batch will ask of the fleet, before anything is published: per model, its requests,
 * its prompt tokens (counted as the worker's context check counts them), the GPU time the fleet's
 * recent service times predict (requests times the model's mean backend time: slot-time, which
 * parallel slots share), and whether the model must be loaded first (no live worker's backend holds
 * it now).
 *
 * @param models one line per model, in the file's first-seen order
 */
public record BatchEstimate(List<ModelEstimate> models) {

    /**
     * One model's share.
     *
     * @param meanServiceTime the fleet's recent mean backend time per request, or null when it has served none lately
     * @param loaded          whether a live worker's backend holds the model now
     */
    public record ModelEstimate(String model, long requests, long promptTokens, Duration meanServiceTime, boolean loaded) {
        /** Requests times the mean service time; null when the model was not served lately. */
        public Duration gpuTime() {
            return meanServiceTime == null ? null : meanServiceTime.multipliedBy(requests);
        }

        /** Loads this model needs before its first request: none when a backend holds it already. */
        public int loads() {
            return loaded ? 0 : 1;
        }
    }

    public BatchEstimate {
        models = List.copyOf(models);
    }

    /** Reads the fleet (its workers' statuses, the recent results' service times) and estimates {@code file}. */
    public static BatchEstimate measure(BatchFile file, KafkaConnection kafka, Clock clock) {
        Instant now = clock.instant();
        Set<String> loaded = new TreeSet<>();
        for (WorkerStatus status : new FleetModels(kafka, clock).workers()) {
            if (FleetModels.live(status, now)) {
                loaded.addAll(status.loadedModels());
            }
        }
        return of(file, new ServiceTimes(kafka).recent(), loaded);
    }

    /** The estimate of a valid {@code file} from measured service times and the models loaded now. */
    public static BatchEstimate of(BatchFile file, Map<String, Duration> serviceTimes, Set<String> loaded) {
        if (!file.isValid()) {
            throw new IllegalArgumentException("only a valid batch file can be estimated: " + file.path());
        }
        Map<String, Long> tokens = new HashMap<>();
        file.forEachRequest(request -> tokens.merge(request.model(), (long) PromptTokens.count(request.body(), request.url()), Long::sum));
        List<ModelEstimate> models = new ArrayList<>();
        file.countsByModel().forEach((model, requests) -> models.add(new ModelEstimate(model, requests,
                tokens.getOrDefault(model, 0L), serviceTimes.get(model), loaded.contains(model))));
        return new BatchEstimate(models);
    }

    public long requests() {
        return models.stream().mapToLong(ModelEstimate::requests).sum();
    }

    public long promptTokens() {
        return models.stream().mapToLong(ModelEstimate::promptTokens).sum();
    }

    /** The GPU time of the models with a measured service time. */
    public Duration gpuTime() {
        return models.stream().map(ModelEstimate::gpuTime).filter(java.util.Objects::nonNull).reduce(Duration.ZERO, Duration::plus);
    }

    public int loads() {
        return models.stream().mapToInt(ModelEstimate::loads).sum();
    }

    /** Models the fleet has not served lately: their GPU time is unknown. */
    public List<String> unmeasured() {
        return models.stream().filter(model -> model.meanServiceTime() == null).map(ModelEstimate::model).toList();
    }
}
