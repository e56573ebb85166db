package dev.dmap.worker.it;

import dev.dmap.schemas.testing.ChatLine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A fault test's requests: {@code total} chat requests spread over {@code models} in runs of
 * 25, alternating a long and a short generation so that later offsets finish before earlier
 * ones (what makes a partition's commit lag its finished work), published as a plain Kafka
 * client would (no batch, the custom_id as key).
 */
final class Workload {
    static final int LONG_TOKENS = 480;
    static final int SHORT_TOKENS = 4;

    private final List<String> models;
    private final boolean repeating;
    private final List<String> ids = new ArrayList<>();

    Workload(List<String> models) {
        this(models, false);
    }

    /**
     * @param repeating greedy requests the response cache may answer, one in four asking what the
     *                  request 150 before it asked (same model, same length) under its own id
     */
    Workload(List<String> models, boolean repeating) {
        this.models = List.copyOf(models);
        this.repeating = repeating;
    }

    /** Creates the topics (3 partitions each) and publishes the requests; returns their ids. */
    List<String> publish(TestKafka kafka, String prefix, int total) throws Exception {
        kafka.createRequestTopics(Set.copyOf(models), 3);
        for (int i = 0; i < total; i++) {
            String model = models.get((i / 25) % models.size());
            String id = prefix + "-" + i;
            int tokens = i % 2 == 0 ? LONG_TOKENS : SHORT_TOKENS;
            int asked = repeating && i % 4 == 3 && i >= 150 ? i - 150 : i;
            ChatLine line = ChatLine.of(id, model).content("Fault test " + asked).maxTokens(tokens);
            kafka.publishAsync(model, id, (repeating ? line.greedy() : line).json());
            ids.add(id);
        }
        kafka.flush();
        return List.copyOf(ids);
    }
}
