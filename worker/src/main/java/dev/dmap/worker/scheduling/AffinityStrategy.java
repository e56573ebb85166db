package dev.dmap.worker.scheduling;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Model-aware dispatch by deadline: serve the model(s) the backend holds for as long as they have
 * work, and swap only when a served model is truly drained (nothing waiting, nothing in flight,
 * nothing left in Kafka), when a waiting model has a higher priority, or when waiting for the
 * served model's remaining work would make a waiting model miss its deadline. The last swap
 * happens as late as it safely can (a swap for priority only while the served model's work still
 * meets its deadline after the detour): when the most urgent waiting models, served earliest deadline
 * first, each paying a swap and one request, would otherwise start too late (see
 * {@link Urgency}). A deadline swap waits for {@code minHold}, the brake against thrash.
 *
 * <p>The next model is the one a swap was made for; else the most urgent one whose last safe
 * start has come; else the highest priority; else one already loaded with work; else the largest
 * backlog. A swap retires the old model first: nothing new starts on it, and its slot frees when
 * its in-flight requests end, so the backend never unloads a busy model. Requests for a model the
 * backend does not list start at once: they end as model_not_found. Not thread-safe: the
 * dispatcher calls it under its lock.
 */
public final class AffinityStrategy implements DispatchStrategy {
    private static final Logger log = LoggerFactory.getLogger(AffinityStrategy.class);
    private final Clock clock;
    private final Duration minHold;
    private final Duration drainGrace;
    private final ServiceTimes times;
    private final RemainingWork work;
    /** Models being served, with when they were chosen, in the order they were chosen. */
    private final Map<String, Instant> serving = new LinkedHashMap<>();
    private final Set<String> retiring = new HashSet<>();
    /** The model a retirement makes room for; it takes the freed slot before anyone else. */
    private String swapTarget;
    /** The priority of the request each served model started last: its priority while all its work is in flight. */
    private final Map<String, Integer> startedPriority = new java.util.HashMap<>();

    /**
     * @param minHold    how long a model swapped in is served before a deadline may take its place
     * @param drainGrace how long a served model must stay drained before another takes its place:
     *                   the last records of a batch may still be on their way from Kafka
     * @param times      measured service and swap times
     */
    public AffinityStrategy(Clock clock, Duration minHold, Duration drainGrace, ServiceTimes times) {
        this.clock = clock;
        this.minHold = minHold;
        this.drainGrace = drainGrace;
        this.times = times;
        this.work = new RemainingWork(times);
    }

    @Override
    public <T extends Schedulable> Optional<T> next(WorkQueue<T> queue, DispatchState state) {
        Optional<T> missing = missingModelRequest(queue, state);
        if (missing.isPresent()) {
            return missing;
        }
        Instant now = clock.instant();
        releaseFinished(queue, state, now);
        Urgency urgency = Urgency.of(queue, waitingModels(queue, state), times);
        retireIfDue(queue, state, urgency, now);
        fillFreeSlots(queue, state, urgency, now);
        for (String model : serving.keySet()) {
            if (!retiring.contains(model) && state.inFlight(model) < state.slots(model)) {
                Optional<T> head = queue.head(model);
                if (head.isPresent()) {
                    queue.remove(head.get());
                    startedPriority.put(model, head.get().priority());
                    return head;
                }
            }
        }
        return Optional.empty();
    }

    @Override
    public void served(String model, Duration backend, Duration load) {
        times.served(model, backend, load);
    }

    @Override
    public boolean isServing(String model) {
        return serving.containsKey(model) && !retiring.contains(model);
    }

    @Override
    public Set<String> servingModels(DispatchState state) {
        return Set.copyOf(serving.keySet());
    }

    /** A request for a model the backend lacks: it ends at once as model_not_found, so it waits for no swap. */
    private static <T extends Schedulable> Optional<T> missingModelRequest(WorkQueue<T> queue, DispatchState state) {
        for (String model : queue.models()) {
            if (state.isMissing(model)) {
                Optional<T> head = queue.head(model);
                head.ifPresent(queue::remove);
                if (head.isPresent()) {
                    return head;
                }
            }
        }
        return Optional.empty();
    }

    private <T extends Schedulable> List<String> waitingModels(WorkQueue<T> queue, DispatchState state) {
        return queue.models().stream().filter(model -> !serving.containsKey(model) && !state.isMissing(model)).toList();
    }

    /**
     * Drops served models that are truly drained, and retired models whose last request ended.
     * Drained means nothing waiting, nothing in flight, no lag in Kafka, and no arrival within the
     * drain grace: more of it is probably on its way.
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
                startedPriority.remove(model);
            }
            return done;
        });
    }

    /** With every model slot taken, retires a served model for a higher priority or a deadline that would be missed. */
    private <T extends Schedulable> void retireIfDue(WorkQueue<T> queue, DispatchState state, Urgency urgency, Instant now) {
        if (serving.size() < state.maxLoadedModels() || !retiring.isEmpty() || swapTarget != null || urgency.isEmpty()) {
            return;
        }
        Optional<String> victim = serving.keySet().stream()
                .min(Comparator.comparingInt((String model) -> servedPriority(queue, model))
                        .thenComparing(model -> serving.get(model)));
        if (victim.isEmpty()) {
            return;
        }
        String served = victim.get();
        Optional<String> higher = urgency.highestPriority().filter(model -> priority(queue, model) > servedPriority(queue, served));
        if (higher.isPresent() && work.detourKeepsDeadline(queue, state, served, higher.get(), now)) {
            retire(served, higher.get(), "its priority " + priority(queue, higher.get()) + " is higher");
            return;
        }
        boolean held = !Duration.between(serving.get(served), now).minus(minHold).isNegative();
        Instant lastSafeStart = urgency.lastSafeStart().minus(times.serviceTime(served)); // its in-flight requests end first
        if (held && !now.isBefore(lastSafeStart) && !work.finishesBy(queue, state, served, urgency.lastSafeStart(), now)) {
            String target = urgency.mostUrgent();
            retire(served, target, "its deadline " + queue.head(target).map(Schedulable::deadline).orElseThrow()
                    + " would be missed after " + served + "'s remaining work");
        }
    }

    private void retire(String served, String target, String why) {
        retiring.add(served);
        swapTarget = target;
        log.info("Retiring {} for {}: {}", served, target, why);
    }


    private <T extends Schedulable> void fillFreeSlots(WorkQueue<T> queue, DispatchState state, Urgency urgency, Instant now) {
        while (serving.size() < state.maxLoadedModels()) {
            Optional<String> pick = choose(queue, state, urgency, now);
            if (pick.isEmpty()) {
                return;
            }
            serving.put(pick.get(), now);
            log.info("Serving {} ({} waiting, {} unfetched)", pick.get(), queue.size(pick.get()), state.lag(pick.get()));
        }
    }

    /** The next model: the swap's target, else the most urgent due, else priority, then loaded, backlog, age. */
    private <T extends Schedulable> Optional<String> choose(WorkQueue<T> queue, DispatchState state, Urgency urgency,
            Instant now) {
        if (swapTarget != null) {
            String target = swapTarget;
            swapTarget = null;
            if (queue.size(target) > 0) {
                return Optional.of(target);
            }
        }
        Optional<String> due = urgency.dueBy(now).filter(model -> !serving.containsKey(model));
        if (due.isPresent()) {
            return due;
        }
        Comparator<String> byPreference = Comparator
                .comparingInt((String model) -> priority(queue, model))
                .thenComparing(model -> state.isLoaded(model))
                .thenComparingLong(model -> queue.size(model) + state.lag(model))
                .thenComparingLong(model -> -queue.head(model).map(Schedulable::seq).orElse(Long.MAX_VALUE));
        return queue.models().stream().filter(model -> !serving.containsKey(model)).max(byPreference);
    }

    /** A served model's priority: that of the request it started last, or of its next one before it started any. */
    private <T extends Schedulable> int servedPriority(WorkQueue<T> queue, String model) {
        Integer started = startedPriority.get(model);
        return started != null ? started : priority(queue, model);
    }

    private static <T extends Schedulable> int priority(WorkQueue<T> queue, String model) {
        return queue.head(model).map(Schedulable::priority).orElse(0);
    }
}
