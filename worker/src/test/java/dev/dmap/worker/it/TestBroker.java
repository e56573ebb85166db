package dev.dmap.worker.it;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The Kafka broker the integration tests share, one per test JVM: spring-kafka-test's embedded
 * KRaft broker on a real loopback port by default, or a Testcontainers Kafka container when
 * {@code -Ddmap.test.broker=testcontainers} is given and Docker is present. Either way it is a
 * real broker reached over real sockets, with transactions enabled.
 */
public final class TestBroker {
    public static final String KAFKA_IMAGE = "apache/kafka:4.1.2";
    private static String bootstrapServers;

    private TestBroker() {
    }

    public static synchronized String bootstrapServers() {
        if (bootstrapServers == null) {
            bootstrapServers = wantsContainer() ? startContainer() : startEmbedded();
        }
        return bootstrapServers;
    }

    static boolean wantsContainer() {
        return "testcontainers".equals(System.getProperty("dmap.test.broker"))
                && DockerClientFactory.instance().isDockerAvailable();
    }

    private static String startEmbedded() {
        EmbeddedKafkaKraftBroker broker = new EmbeddedKafkaKraftBroker(1, 1);
        broker.kafkaPorts(0);
        broker.brokerProperty("transaction.state.log.replication.factor", "1");
        broker.brokerProperty("transaction.state.log.min.isr", "1");
        broker.brokerProperty("group.initial.rebalance.delay.ms", "0");
        broker.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(broker::destroy, "embedded-kafka-stop"));
        return broker.getBrokersAsString();
    }

    @SuppressWarnings("resource") // stopped by Testcontainers' reaper with the JVM
    private static String startContainer() {
        KafkaContainer container = new KafkaContainer(KAFKA_IMAGE);
        container.start();
        return container.getBootstrapServers();
    }
}
