package dev.dmap.worker.scheduling;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The models waiting for a turn, earliest deadline first, and the last safe start: the latest
 * moment the worker can begin to swap so that each of them, served in that order and each
 * paying its swap and one request, starts before its deadline. With one waiting model it is
 * its head's deadline minus its swap and one request; a burst of online requests for several
 * models brings it forward by the swaps they all need.
 */
final class Urgency {
    private final List<String> earliestFirst;
    private final Map<String, Integer> priorities;
    private final Instant lastSafeStart;

    private Urgency(List<String> earliestFirst, Map<String, Integer> priorities, Instant lastSafeStart) {
        this.earliestFirst = earliestFirst;
        this.priorities = priorities;
        this.lastSafeStart = lastSafeStart;
    }

    static <T extends Schedulable> Urgency of(WorkQueue<T> queue, List<String> waiting, ServiceTimes times) {
        Map<String, T> heads = waiting.stream().filter(model -> queue.head(model).isPresent())
                .collect(Collectors.toMap(model -> model, model -> queue.head(model).orElseThrow()));
        List<String> order = heads.keySet().stream()
                .sorted(Comparator.comparing((String model) -> heads.get(model).deadline())
                        .thenComparingLong(model -> heads.get(model).seq()))
                .toList();
        Duration needed = Duration.ZERO;
        Instant lastSafeStart = Instant.MAX;
        for (String model : order) {
            needed = needed.plus(times.swapCost(model)).plus(times.serviceTime(model));
            Instant start = heads.get(model).deadline().minus(needed);
            lastSafeStart = start.isBefore(lastSafeStart) ? start : lastSafeStart;
        }
        Map<String, Integer> priorities = heads.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, entry -> entry.getValue().priority()));
        return new Urgency(order, priorities, lastSafeStart);
    }

    boolean isEmpty() {
        return earliestFirst.isEmpty();
    }

    /** The waiting model with the earliest deadline. */
    String mostUrgent() {
        return earliestFirst.get(0);
    }

    Instant lastSafeStart() {
        return lastSafeStart;
    }

    /** The most urgent waiting model, if the last safe start has come by {@code now}. */
    Optional<String> dueBy(Instant now) {
        return isEmpty() || now.isBefore(lastSafeStart) ? Optional.empty() : Optional.of(mostUrgent());
    }

    /** The waiting model whose next request has the highest priority (the most urgent among equals). */
    Optional<String> highestPriority() {
        return earliestFirst.stream().max(Comparator.comparingInt((String model) -> priorities.get(model))
                .thenComparing(Comparator.comparingInt(earliestFirst::indexOf).reversed()));
    }
}
