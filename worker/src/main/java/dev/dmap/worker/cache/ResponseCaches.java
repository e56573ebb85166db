package dev.dmap.worker.cache;

import dev.dmap.schemas.Topics;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.config.CacheSettings;
import dev.dmap.worker.metrics.CacheMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Starts a worker's {@link ResponseCache}: its local copy on disk and the reader that keeps it current. */
public final class ResponseCaches {
    private ResponseCaches() {
    }

    /**
     * @param reader  client properties of a plain reader of dmap's topics (bootstrap servers, security)
     * @param dir     where the local copy lives
     * @param listing the backend's last model listing: entries of models it does not list are not kept
     */
    public static ResponseCache start(CacheSettings settings, Path dir, Topics topics, Map<String, Object> reader,
            Supplier<ModelListing> listing, CacheMetrics metrics, Clock clock) {
        if (!settings.enabled()) {
            return ResponseCache.disabled(metrics, clock);
        }
        ResponseStore store = ResponseStore.open(dir, topicId(reader, topics.cache()));
        Map<String, Object> props = new HashMap<>(reader);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, props.getOrDefault(ConsumerConfig.CLIENT_ID_CONFIG, "dmap") + "-cache");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        var consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ResponseCache[] cache = new ResponseCache[1];
        CacheFollower follower = new CacheFollower(consumer, topics.cache(), store, new CacheFollower.Keeping(
                model -> listing.get() == null || listing.get().available().contains(model), settings.ttl(),
                settings.maxBytes()), key -> cache[0].changed(key), clock);
        cache[0] = new ResponseCache(store, follower, listing, metrics, settings, clock);
        metrics.watchStore(store::entries, store::bytes);
        follower.start();
        return cache[0];
    }

    /** The cache topic's id: the local copy belongs to that topic, not to one of the same name made later. */
    private static String topicId(Map<String, Object> reader, String topic) {
        Map<String, Object> props = new HashMap<>(reader);
        props.keySet().removeIf(key -> !AdminClientConfig.configNames().contains(key));
        try (Admin admin = Admin.create(props)) {
            return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).topicId().toString();
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot describe the response cache topic " + topic + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while describing " + topic, e);
        }
    }
}
