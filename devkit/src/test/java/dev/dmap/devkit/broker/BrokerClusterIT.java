package dev.dmap.devkit.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerClusterIT {
    private static final String TOPIC = "replicated";

    @Test
    void shouldKeepCommittedTransactionsThroughTheLossOfTheLeaderAndARestartOfEveryNode(@TempDir Path dir) throws Exception {
        try (BrokerCluster cluster = BrokerCluster.start(3, dir, 0);
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, 1, (short) -1))).all().get();
            TopicDescription created = admin.describeTopics(List.of(TOPIC)).allTopicNames().get().get(TOPIC);
            assertThat(created.partitions().get(0).replicas()).as("the cluster's default replication").hasSize(3);
            assertThat(admin.describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, TOPIC))).all().get()
                    .values().iterator().next().get("min.insync.replicas").value()).isEqualTo("2");

            List<String> sent = new ArrayList<>();
            try (KafkaProducer<String, String> producer = transactional(cluster, "before")) {
                send(producer, "a", sent);
                int leader = created.partitions().get(0).leader().id();
                cluster.kill(leader); // the partition's leader, with whatever it had not flushed
                send(producer, "b", sent);
                cluster.restart(leader);
            }
            for (BrokerCluster.Node node : cluster.nodes()) { // a rolling restart
                cluster.stop(node.id());
                cluster.restart(node.id());
                await().atMost(Duration.ofMinutes(1)).until(() -> inSync(admin) == 3);
            }
            try (KafkaProducer<String, String> producer = transactional(cluster, "after")) {
                send(producer, "c", sent);
            }
            assertThat(readCommitted(cluster, sent.size())).containsExactlyElementsOf(sent);
        }
    }

    @Test
    void shouldStartAgainFromItsDataWithTheSameClusterId(@TempDir Path dir) throws Exception {
        List<String> sent = new ArrayList<>();
        try (BrokerCluster cluster = BrokerCluster.start(3, dir, 0);
                KafkaProducer<String, String> producer = transactional(cluster, "first")) {
            send(producer, "kept", sent);
            cluster.shutdown();
        }
        try (BrokerCluster cluster = BrokerCluster.start(3, dir, 0)) {
            assertThat(readCommitted(cluster, 1)).containsExactlyElementsOf(sent);
        }
    }

    private static int inSync(Admin admin) throws Exception {
        return admin.describeTopics(Set.of(TOPIC)).allTopicNames().get().get(TOPIC).partitions().get(0).isr().size();
    }

    private static void send(KafkaProducer<String, String> producer, String prefix, List<String> sent) {
        producer.beginTransaction();
        for (int i = 0; i < 100; i++) {
            producer.send(new ProducerRecord<>(TOPIC, prefix + i, prefix + i));
            sent.add(prefix + i);
        }
        producer.commitTransaction();
    }

    private static KafkaProducer<String, String> transactional(BrokerCluster cluster, String id) {
        KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "cluster-it-" + id,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 120_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG, 120_000), new StringSerializer(), new StringSerializer());
        producer.initTransactions();
        return producer;
    }

    private static List<String> readCommitted(BrokerCluster cluster, int expected) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new StringDeserializer())) {
            TopicPartition partition = new TopicPartition(TOPIC, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            List<String> values = new ArrayList<>();
            await().atMost(Duration.ofMinutes(1)).until(() -> {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(record.value());
                }
                return values.size() >= expected;
            });
            return values;
        }
    }
}
