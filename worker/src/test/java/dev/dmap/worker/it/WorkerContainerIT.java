package dev.dmap.worker.it;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same scenarios against Kafka in a container, on machines with Docker. Without Docker the
 * class is skipped; {@link WorkerIT} carries the scenarios there.
 */
@Testcontainers(disabledWithoutDocker = true)
class WorkerContainerIT extends WorkerScenarios {
    @Container
    static final KafkaContainer KAFKA = new KafkaContainer(TestBroker.KAFKA_IMAGE);

    @Override
    String bootstrapServers() {
        return KAFKA.getBootstrapServers();
    }
}
