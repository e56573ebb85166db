package dev.dmap.worker.it;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * What a fault test counts with its own read_committed reader: for the requests it sent, how
 * many ended with a result, with a dead letter (by code), with none (lost), and with more than
 * one terminal record (duplicated). {@link #toString()} is the line the test logs for the note.
 */
record Tally(String fault, int sent, int results, Map<String, Long> deadLettersByCode, int lost, int duplicated,
        int foreign) {

    static Tally of(String fault, Collection<String> sentIds, List<JsonNode> results, List<JsonNode> deadLetters) {
        Set<String> sent = Set.copyOf(sentIds);
        Map<String, Long> perRequest = java.util.stream.Stream.concat(results.stream(), deadLetters.stream())
                .map(record -> record.path("request_id").asString())
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        int lost = (int) sent.stream().filter(id -> !perRequest.containsKey(id)).count();
        int duplicated = (int) perRequest.entrySet().stream()
                .filter(entry -> sent.contains(entry.getKey()) && entry.getValue() > 1).count();
        int foreign = (int) perRequest.keySet().stream().filter(id -> !sent.contains(id)).count();
        Map<String, Long> byCode = new TreeMap<>(deadLetters.stream()
                .collect(Collectors.groupingBy(record -> record.path("error").path("code").asString(), Collectors.counting())));
        return new Tally(fault, sent.size(), results.size(), byCode, lost, duplicated, foreign);
    }

    /** Every request has exactly one terminal record. */
    boolean exactlyOnce() {
        return lost == 0 && duplicated == 0 && foreign == 0;
    }

    long deadLetters() {
        return deadLettersByCode.values().stream().mapToLong(Long::longValue).sum();
    }

    @Override
    public String toString() {
        return String.format("%s: sent %d, results %d, dead letters %s, lost %d, duplicated %d", fault, sent, results,
                deadLettersByCode, lost, duplicated);
    }
}
