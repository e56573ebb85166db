package dev.dmap.worker.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Model-aware dispatch: serve the model(s) the backend holds for as long as they have work, and
 * swap only when a served model is drained, or when another model's oldest request is about to
 * wait past {@code maxWait} (the swap starts {@code swapLead} early) and the served model has
 * held for {@code minHold}. The next model is the
 * one waiting longest past the bound, else the one already loaded with work, else the one with
 * the largest backlog. A swap retires the old model first: nothing new starts on it, and its
 * slot frees when its in-flight requests end, so the backend never unloads a busy model.
 * Requests for a model the backend does not list start at once: they end as model_not_found.
 * Not thread-safe: the dispatcher calls it under its lock.
 */
public final class AffinityStrategy implements DispatchStrategy {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AffinityStrategy.class);
    private final Clock clock;
    private final Duration maxWait;
    private final Duration minHold;
    private final Duration drainGrace;
    /** How early, before max-wait, a swap starts: so the wait, not the swap, is what max-wait bounds. */
    private final Duration swapLead;
    /** Models being served, with when they were chosen, in the order they were chosen. */
    private final Map<String, Instant> serving = new LinkedHashMap<>();
    private final Set<String> retiring = new HashSet<>();
    /** The starving model a retirement makes room for; it takes the freed slot before anyone else. */
    private String swapTarget;

    /**
     * @param drainGrace how long a served model must stay drained before another takes its place:
     *                   the last records of a batch may still be on their way from Kafka
     * @param swapLead   how long before max-wait a swap for a starving model starts (the unload
     *                   cooldown and a margin), so that a request waits at most max-wait plus its
     *                   model's load time
     */
    public AffinityStrategy(Clock clock, Duration maxWait, Duration minHold, Duration drainGrace, Duration swapLead) {
        this.clock = clock;
        this.maxWait = maxWait;
        this.minHold = minHold;
        this.drainGrace = drainGrace;
        this.swapLead = swapLead;
    }

    /** The swap lead dmap uses: the unload cooldown plus 5% of max-wait, at most max-wait. */
    public static Duration swapLead(Duration maxWait, Duration cooldown) {
        Duration lead = cooldown.plus(maxWait.dividedBy(20));
        return lead.compareTo(maxWait) > 0 ? maxWait : lead;
    }

    @Override
    public <T extends Schedulable> Optional<T> next(WorkQueue<T> queue, DispatchState state) {
        Optional<T> missing = missingModelRequest(queue, state);
        if (missing.isPresent()) {
            return missing;
        }
        Instant now = clock.instant();
        releaseFinished(queue, state, now);
        retireForStarving(queue, state, now);
        fillFreeSlots(queue, state, now);
        for (String model : serving.keySet()) {
            if (!retiring.contains(model) && state.inFlight(model) < state.slots(model)) {
                Optional<T> head = queue.oldest(model);
                if (head.isPresent()) {
                    queue.remove(head.get());
                    return head;
                }
            }
        }
        return Optional.empty();
    }

    /** A request for a model the backend lacks: it ends at once as model_not_found, so it waits for no swap. */
    private static <T extends Schedulable> Optional<T> missingModelRequest(WorkQueue<T> queue, DispatchState state) {
        for (String model : queue.models()) {
            if (state.isMissing(model)) {
                Optional<T> head = queue.oldest(model);
                head.ifPresent(queue::remove);
                if (head.isPresent()) {
                    return head;
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public boolean isServing(String model) {
        return serving.containsKey(model) && !retiring.contains(model);
    }

    @Override
    public Set<String> servingModels(DispatchState state) {
        return Set.copyOf(serving.keySet());
    }

    /**
     * Drops served models that have nothing left, and retired models whose last request ended.
     * A drained model whose requests were still arriving within the drain grace is kept until
     * the grace has passed since its last arrival: more of it is probably on its way.
     */
    private <T extends Schedulable> void releaseFinished(WorkQueue<T> queue, DispatchState state, Instant now) {
        serving.keySet().removeIf(model -> {
            boolean idle = state.inFlight(model) == 0;
            boolean drained = idle && queue.size(model) == 0 && state.lag(model) == 0;
            boolean quiet = !state.lastArrival(model).plus(drainGrace).isAfter(now);
            boolean done = idle && (retiring.contains(model) || (drained && quiet));
            if (done) {
                log.info("Released {} ({})", model, retiring.contains(model) ? "retired" : "drained");
                retiring.remove(model);
            }
            return done;
        });
    }

    /** When a model not served has waited past the bound, retire the served model that has held longest. */
    private <T extends Schedulable> void retireForStarving(WorkQueue<T> queue, DispatchState state, Instant now) {
        boolean full = serving.size() >= state.maxLoadedModels();
        if (!full || !retiring.isEmpty() || swapTarget != null || oldestStarving(queue, now).isEmpty()) {
            return;
        }
        Optional<String> starving = oldestStarving(queue, now);
        serving.entrySet().stream()
                .filter(entry -> !Duration.between(entry.getValue(), now).minus(minHold).isNegative())
                .min(Map.Entry.comparingByValue())
                .ifPresent(entry -> {
                    retiring.add(entry.getKey());
                    swapTarget = starving.get();
                    log.info("Retiring {} for {}, whose oldest request has waited {} ms", entry.getKey(), swapTarget,
                            Duration.between(waitedSince(queue, swapTarget), now).toMillis());
                });
    }

    private <T extends Schedulable> void fillFreeSlots(WorkQueue<T> queue, DispatchState state, Instant now) {
        while (serving.size() < state.maxLoadedModels()) {
            Optional<String> pick = choose(queue, state, now);
            if (pick.isEmpty()) {
                return;
            }
            serving.put(pick.get(), now);
            log.info("Serving {} ({} waiting, {} unfetched)", pick.get(), queue.size(pick.get()), state.lag(pick.get()));
        }
    }

    /** The next model to serve: the longest starving, else a loaded one with work, else the largest backlog. */
    private <T extends Schedulable> Optional<String> choose(WorkQueue<T> queue, DispatchState state, Instant now) {
        if (swapTarget != null) {
            String target = swapTarget;
            swapTarget = null;
            if (queue.size(target) > 0) {
                return Optional.of(target);
            }
        }
        Optional<String> starving = oldestStarving(queue, now);
        if (starving.isPresent()) {
            return starving;
        }
        Comparator<String> byPreference = Comparator
                .comparing((String model) -> state.isLoaded(model))
                .thenComparingLong(model -> queue.size(model) + state.lag(model))
                .thenComparing(model -> waitedSince(queue, model), Comparator.reverseOrder())
                .thenComparingLong(model -> -queue.oldest(model).map(Schedulable::seq).orElse(Long.MAX_VALUE));
        return queue.models().stream().filter(model -> !serving.containsKey(model)).max(byPreference);
    }

    private <T extends Schedulable> Optional<String> oldestStarving(WorkQueue<T> queue, Instant now) {
        Instant threshold = now.minus(maxWait).plus(swapLead);
        return queue.models().stream()
                .filter(model -> !serving.containsKey(model))
                .filter(model -> !waitedSince(queue, model).isAfter(threshold))
                .min(Comparator.comparing(model -> waitedSince(queue, model)));
    }

    private static <T extends Schedulable> Instant waitedSince(WorkQueue<T> queue, String model) {
        return queue.oldest(model).map(Schedulable::waitingSince).orElse(Instant.MAX);
    }
}
