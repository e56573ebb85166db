package dev.dmap.cli;

import dev.dmap.client.testing.TestBroker;
import static org.assertj.core.api.Assertions.assertThat;

import dev.dmap.schemas.Limits;
import dev.dmap.schemas.RequestTopicAligner;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

/** {@link TopicProvisioner} (schemas) against a real broker: request topics carry the size limit and have the partitions. */
class TopicProvisionerIT {
    private static final int RECORD_BYTES = Limits.outputRecordBytes(Limits.DEFAULT_MAX_REQUEST_BYTES);

    @Test
    void shouldCreateRequestTopicsWithThePartitionsAndARecordSizeForTheLimit() throws Exception {
        Topics topics = new Topics("created");
        try (Admin admin = admin()) {
            new TopicProvisioner(admin, topics).ensureAll(List.of("model-a"));

            assertThat(partitions(admin, topics.requests("model-a"))).isEqualTo(TopicProvisioner.REQUEST_PARTITIONS);
            assertThat(maxMessageBytes(admin, topics.requests("model-a"))).isEqualTo(RECORD_BYTES);
        }
    }

    @Test
    void shouldRaiseARequestTopicAForeignProducerCreatedAndChangeNothingTheSecondTime() throws Exception {
        Topics topics = new Topics("foreign");
        String topic = topics.requests("kcat-model");
        TestBroker.publish(topic, "q1", "{\"custom_id\":\"q1\"}"); // auto-created: 1 partition, the broker's 1 MiB
        try (Admin admin = admin()) {
            assertThat(partitions(admin, topic)).isEqualTo(1);
            long before = maxMessageBytes(admin, topic);
            assertThat(before).isLessThan(RECORD_BYTES);

            List<RequestTopicAligner.Change> changes = new TopicProvisioner(admin, topics, 4, Limits.DEFAULT_MAX_REQUEST_BYTES)
                    .alignRequestTopics();

            assertThat(changes).containsExactlyInAnyOrder(
                    new RequestTopicAligner.Change(topic, "partitions", 1, 4),
                    new RequestTopicAligner.Change(topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG, before, RECORD_BYTES));
            assertThat(partitions(admin, topic)).isEqualTo(4);
            assertThat(maxMessageBytes(admin, topic)).isEqualTo(RECORD_BYTES);
            assertThat(new TopicProvisioner(admin, topics, 4, Limits.DEFAULT_MAX_REQUEST_BYTES).alignRequestTopics()).isEmpty();
        }
    }

    @Test
    void shouldNeverLowerATopicThatHasMoreThanDmapNeeds() throws Exception {
        Topics topics = new Topics("bigger");
        String topic = topics.requests("roomy-model");
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, Optional.of(12), Optional.empty())
                    .configs(Map.of(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, String.valueOf(64 * 1024 * 1024))))).all().get(30, TimeUnit.SECONDS);

            assertThat(new TopicProvisioner(admin, topics).alignRequestTopics(List.of(topic, topics.requests("missing")))).isEmpty();

            assertThat(partitions(admin, topic)).isEqualTo(12);
            assertThat(maxMessageBytes(admin, topic)).isEqualTo(64 * 1024 * 1024);
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, TestBroker.bootstrapServers()));
    }

    private static int partitions(Admin admin, String topic) throws Exception {
        return admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
    }

    private static long maxMessageBytes(Admin admin, String topic) throws Exception {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        return Long.parseLong(admin.describeConfigs(List.of(resource)).all().get(30, TimeUnit.SECONDS).get(resource)
                .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value());
    }
}
