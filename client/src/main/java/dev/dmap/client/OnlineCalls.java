package dev.dmap.client;

import dev.dmap.schemas.DaemonThreads;
import dev.dmap.schemas.DeadLetter;
import dev.dmap.schemas.Limits;
import dev.dmap.schemas.MessageCodec;
import dev.dmap.schemas.OnlineReplies;
import dev.dmap.schemas.Request;
import dev.dmap.schemas.Result;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Synchronous calls through Kafka (the online lane), Kafka's request-reply pattern: each call is
 * published as an ordinary request record, with a header naming this caller's own reply topic
 * ({@code <prefix>.replies.<caller-id>}, one partition, made at start and deleted at close), and
 * the workers' replies to it (streamed events, then the outcome) are handed to the call's
 * {@link Listener} on one reader thread. The request id is the correlation id. An interactive call
 * goes to its model's online topic, so that it never waits behind a backlog in Kafka; a call that
 * may wait ({@code service_tier: "flex"}) goes to the model's request topic with the bulk work.
 * Several callers (gateways) each read only their own replies. Thread-safe.
 */
public final class OnlineCalls implements AutoCloseable {
    /** Reply records are for a caller who waits: ten minutes is more than any call lasts. */
    static final Duration REPLY_RETENTION = Duration.ofMinutes(10);
    private static final Logger log = LoggerFactory.getLogger(OnlineCalls.class);

    /** What happens to one call; called on the reply reader's thread, so it must not block. */
    public interface Listener {
        /** Events streamed by one attempt to serve the call. */
        void chunks(OnlineReplies.Chunks chunks);

        /** The call succeeded. */
        void result(Result result);

        /** The call failed. */
        void deadLetter(DeadLetter deadLetter);
    }

    private final KafkaConnection kafka;
    private final String replyTopic;
    private final OnlineTopics topics;
    private final KafkaProducer<byte[], byte[]> producer;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Listener> open = new ConcurrentHashMap<>();
    private final RequestPlacement placement = new RequestPlacement();

    private final Thread reader;
    private volatile boolean running = true;

    private OnlineCalls(KafkaConnection kafka, String callerId, int maxRequestBytes) {
        this.kafka = kafka;
        this.replyTopic = kafka.topics().replies(callerId);
        this.topics = new OnlineTopics(kafka, maxRequestBytes);
        topics.createReplyTopic(replyTopic);
        Map<String, Object> producerProps = ProducerSettings.idempotent(kafka, maxRequestBytes);
        producerProps.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        this.producer = new KafkaProducer<>(producerProps);
        Map<String, Object> consumerProps = kafka.clientProperties();
        consumerProps.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        consumerProps.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumerProps.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Limits.outputRecordBytes(maxRequestBytes));
        consumerProps.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Math.max(52_428_800, Limits.outputRecordBytes(maxRequestBytes)));
        this.consumer = new KafkaConsumer<>(consumerProps);
        TopicPartition partition = new TopicPartition(replyTopic, 0);
        consumer.assign(List.of(partition));
        consumer.seekToEnd(List.of(partition));
        consumer.position(partition, kafka.timeout());
        this.reader = DaemonThreads.start("dmap-online-replies", this::read);
    }

    /**
     * Starts a caller: makes its reply topic and starts reading it.
     *
     * @param callerId this caller's id, unique among the callers of one Kafka cluster (a gateway's)
     */
    public static OnlineCalls start(KafkaConnection kafka, String callerId, int maxRequestBytes) {
        return new OnlineCalls(kafka, callerId, maxRequestBytes);
    }

    /** A new caller id: random, so that two gateways never share a reply topic. */
    public static String newCallerId() {
        return UUID.randomUUID().toString().substring(0, 13).replace("-", "");
    }

    public String replyTopic() {
        return replyTopic;
    }

    /**
     * Publishes a call; its replies go to {@code listener} from now on, until {@link #forget}.
     *
     * @param interactive true for the online topic (served ahead of bulk), false for the request topic
     * @throws ClientException when Kafka does not take the record within its timeout
     */
    public void call(Request request, boolean interactive, Listener listener) {
        String topic = interactive ? kafka.topics().online(request.model()) : kafka.topics().requests(request.model());
        topics.ensure(topic, request.model());
        open.put(request.id(), listener);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, placement.partition(producer, topic, request),
                request.id().getBytes(StandardCharsets.UTF_8), MessageCodec.encode(request));
        record.headers().add(OnlineReplies.REPLY_TOPIC, OnlineReplies.utf8(replyTopic));
        try {
            producer.send(record).get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            open.remove(request.id());
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            open.remove(request.id());
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            throw KafkaTrouble.explainIfKafka(cause, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                    "Kafka did not take the call in time: " + cause, null, false, cause));
        }
    }

    /**
     * The caller gave up on a call (it disconnected, or its deadline passed): no more replies go to
     * its listener, and the workers are told, so that it is not started, or its streaming stops.
     */
    public void cancel(String requestId) {
        forget(requestId);
        try {
            producer.send(new ProducerRecord<>(kafka.topics().cancels(), requestId.getBytes(StandardCharsets.UTF_8),
                    OnlineReplies.utf8("{\"request_id\":" + MessageCodec.mapper().writeValueAsString(requestId) + "}")));
        } catch (KafkaException e) {
            log.debug("Could not publish the cancel of {}: {}", requestId, e.toString());
        }
    }

    /** No more replies go to this call's listener. */
    public void forget(String requestId) {
        open.remove(requestId);
    }

    /** Calls waiting for their outcome. */
    public int openCalls() {
        return open.size();
    }

    /** Makes the online topic of a model ahead of its first call, so that the workers have it in their subscription. */
    public void prepare(String model) {
        topics.ensure(kafka.topics().online(model), model);
    }

    private void read() {
        boolean failing = false;
        try {
            while (running) {
                try {
                    for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                        deliver(record);
                    }
                    failing = false;
                } catch (WakeupException e) {
                    throw e;
                } catch (KafkaException e) {
                    if (!failing) {
                        log.warn("Reading the replies of online calls failed ({}); trying again", e.toString());
                        failing = true;
                    }
                    Thread.sleep(500);
                }
            }
        } catch (WakeupException | InterruptedException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    private void deliver(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null || record.value() == null) {
            return;
        }
        String requestId = new String(record.key(), StandardCharsets.UTF_8);
        Listener listener = open.get(requestId);
        if (listener == null) {
            return; // answered already (a second attempt's reply), or given up on
        }
        String kind = OnlineReplies.kind(record.headers());
        try {
            if (OnlineReplies.KIND_CHUNKS.equals(kind)) {
                listener.chunks(OnlineReplies.Chunks.decode(record.value()));
            } else if (OnlineReplies.KIND_RESULT.equals(kind)) {
                open.remove(requestId);
                listener.result(MessageCodec.decode(record.value(), Result.class));
            } else if (OnlineReplies.KIND_DEAD_LETTER.equals(kind)) {
                open.remove(requestId);
                listener.deadLetter(MessageCodec.decode(record.value(), DeadLetter.class));
            }
        } catch (RuntimeException e) {
            log.warn("A reply to call {} could not be handled: {}", requestId, e.toString());
        }
    }

    /** Stops reading, deletes the reply topic (nobody else reads it) and closes the clients. */
    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            reader.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
        topics.deleteAndClose(replyTopic);
    }
}
