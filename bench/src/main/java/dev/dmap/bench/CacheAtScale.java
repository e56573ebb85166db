package dev.dmap.bench;

import dev.dmap.schemas.CacheControl;
import dev.dmap.schemas.CacheEntry;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import dev.dmap.worker.cache.ResponseCache;
import dev.dmap.worker.cache.ResponseCaches;
import dev.dmap.worker.config.CacheSettings;
import dev.dmap.worker.metrics.CacheMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import tools.jackson.databind.JsonNode;

/**
 * A worker's local copy of the response cache at scale: {@code entries} stored answers written to
 * the cache topic, then read into a fresh copy as a starting worker does; the copy's size on disk,
 * the heap after GC before and after, and the time of lookups of random keys.
 */
final class CacheAtScale {
    private static final int LOOKUPS = 200_000;

    /** What the copy cost. */
    record Figures(int entries, double loadSeconds, long diskBytes, long storedBytes, double heapBeforeMb, double heapAfterMb,
            double heapAfterLookupsMb, double lookupMeanMicros, double lookupP99Micros) {
    }

    private final String bootstrapServers;
    private final PrintWriter progress;

    CacheAtScale(String bootstrapServers, PrintWriter progress) {
        this.bootstrapServers = bootstrapServers;
        this.progress = progress;
    }

    Figures run(int entries, Path dir) throws Exception {
        Topics topics = new Topics("cache-scale-" + Long.toHexString(System.nanoTime()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            new TopicProvisioner(admin, topics).ensureOutputs();
        }
        progress.printf("Cache at scale: writing %,d entries%n", entries);
        progress.flush();
        publish(topics, entries);
        double heapBefore = OnlineRamp.heapAfterGcMb();
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        long started = System.nanoTime();
        try (ResponseCache cache = ResponseCaches.start(CacheSettings.defaults(), dir, topics,
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ConsumerConfig.CLIENT_ID_CONFIG, "cache-scale"),
                () -> null, new CacheMetrics(registry), Clock.systemUTC())) {
            while (registry.get("dmap.cache.entries").gauge().value() < entries) {
                Thread.sleep(200);
            }
            double loadSeconds = (System.nanoTime() - started) / 1e9;
            double heapAfter = OnlineRamp.heapAfterGcMb();
            progress.printf("  read into the local copy in %.1f s; %,d lookups%n", loadSeconds, LOOKUPS);
            progress.flush();
            Latencies latencies = lookups(cache, entries);
            return new Figures(entries, loadSeconds, sizeOf(dir), (long) registry.get("dmap.cache.store.size").gauge().value(),
                    heapBefore, heapAfter, OnlineRamp.heapAfterGcMb(), latencies.mean() * 1e6, latencies.percentile(99) * 1e6);
        }
    }

    private Latencies lookups(ResponseCache cache, int entries) {
        SplittableRandom random = new SplittableRandom(7);
        Latencies latencies = new Latencies();
        for (int i = 0; i < LOOKUPS; i++) {
            String key = key(random.nextInt(entries));
            long started = System.nanoTime();
            CacheEntry entry = cache.find(new ResponseCache.Plan(key, CacheControl.DEFAULT, null));
            latencies.add((System.nanoTime() - started) / 1e9);
            if (entry == null) {
                throw new IllegalStateException("entry " + key + " is missing from the local copy");
            }
        }
        return latencies;
    }

    private void publish(Topics topics, int entries) {
        JsonNode body = MessageCodec.mapper().readTree("{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion\",\"created\":1765000000,"
                + "\"model\":\"qwen2.5-7b-instruct\",\"choices\":[{\"index\":0,\"finish_reason\":\"stop\",\"message\":{\"role\":"
                + "\"assistant\",\"content\":\"A stored answer of a typical short length, about two hundred characters of "
                + "text that a model wrote once and the cache returns again whenever the same request comes back.\"}}],"
                + "\"usage\":{\"prompt_tokens\":42,\"completion_tokens\":40,\"total_tokens\":82}}");
        Instant now = Instant.now();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, false,
                ProducerConfig.ACKS_CONFIG, "1"), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < entries; i++) {
                String key = key(i);
                CacheEntry entry = new CacheEntry(key, "/v1/chat/completions", "qwen2.5-7b-instruct", "bench", "bench:" + i, 200,
                        body, now, CacheEntry.SCHEMA_VERSION);
                producer.send(new ProducerRecord<>(topics.cache(), key.getBytes(StandardCharsets.UTF_8), MessageCodec.encode(entry)));
            }
        }
    }

    private static String key(int i) {
        return HexFormat.of().formatHex(java.nio.ByteBuffer.allocate(32).putInt(i).putInt(28, i * 31).array());
    }

    private static long sizeOf(Path dir) throws IOException {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
