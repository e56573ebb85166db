package dev.dmap.client;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.TopicProvisioner;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The topics of {@link OnlineCalls}: a caller's reply topic, and the topics its calls go to, each made once. */
final class OnlineTopics {
    private static final Logger log = LoggerFactory.getLogger(OnlineTopics.class);
    private final KafkaConnection kafka;
    private final int maxRequestBytes;
    private final Admin admin;
    private final Set<String> topicsReady = ConcurrentHashMap.newKeySet();

    OnlineTopics(KafkaConnection kafka, int maxRequestBytes) {
        this.kafka = kafka;
        this.maxRequestBytes = maxRequestBytes;
        this.admin = Admin.create(kafka.adminProperties());
    }

    /** Makes a call's topic (online or request) when this caller has not made sure of it yet. */
    void ensure(String topic, String model) {
        if (topicsReady.contains(topic)) {
            return;
        }
        try {
            TopicProvisioner provisioner = new TopicProvisioner(admin, kafka.topics(), TopicProvisioner.REQUEST_PARTITIONS,
                    maxRequestBytes, kafka.replication());
            if (kafka.topics().isOnline(topic)) {
                provisioner.ensureOnline(List.of(model));
            } else {
                provisioner.ensureAll(List.of(model));
            }
            topicsReady.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        } catch (TimeoutException | RuntimeException e) {
            throw KafkaTrouble.explainIfKafka(e, kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                    "Kafka did not make the topic " + topic + " ready: " + e.getMessage(), null, false, e));
        }
    }

    /** Makes this caller's reply topic: one partition, ten minutes' retention, records of the size limit. */
    void createReplyTopic(String replyTopic) {
        NewTopic topic = new NewTopic(replyTopic, Optional.of(1), Optional.empty()).configs(Map.of(
                TopicConfig.RETENTION_MS_CONFIG, String.valueOf(OnlineCalls.REPLY_RETENTION.toMillis()),
                TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(Limits.outputRecordBytes(maxRequestBytes))));
        try {
            admin.createTopics(List.of(topic)).all().get(kafka.timeout().toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw KafkaTrouble.explainIfKafka(e.getCause(), kafka).orElseGet(() -> new ClientException.KafkaUnavailable(
                        "Kafka did not make the reply topic " + replyTopic + ": " + e.getCause(), null, false, e.getCause()));
            }
        } catch (TimeoutException e) {
            throw new ClientException.KafkaUnavailable("Kafka did not make the reply topic " + replyTopic + " in time",
                    null, false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ClientException.Interrupted();
        }
    }

    /** Deletes the reply topic (nobody else reads it) and closes the admin client. */
    void deleteAndClose(String replyTopic) {
        try {
            admin.deleteTopics(List.of(replyTopic)).all().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Could not delete the reply topic {}: {}", replyTopic, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
