package dev.dmap.cli;

import dev.dmap.schemas.ExitCodes;
import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** Creates the topics a batch needs, turning failures into messages for the user. */
final class TopicSetup {
    private TopicSetup() {
    }

    /** Creates what is missing and raises existing request topics to the partitions and record size dmap needs. */
    static void ensure(Admin admin, Topics topics, Collection<String> models, int maxRequestBytes) {
        try {
            new TopicProvisioner(admin, topics, TopicProvisioner.REQUEST_PARTITIONS, maxRequestBytes).ensureAll(models);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (TimeoutException | IllegalStateException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Kafka did not make the topics ready: " + e.getMessage());
        }
    }
}
