package dev.dmap.cli;

import dev.dmap.schemas.TopicProvisioner;
import dev.dmap.schemas.Topics;
import java.util.Collection;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;

/** Creates the topics a batch needs, turning failures into messages for the user. */
final class TopicSetup {
    private TopicSetup() {
    }

    static void ensure(Admin admin, Topics topics, Collection<String> models) {
        try {
            new TopicProvisioner(admin, topics).ensureAll(models);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException(ExitCodes.INTERRUPTED, "interrupted");
        } catch (TimeoutException | IllegalStateException e) {
            throw new CliException(ExitCodes.UNREACHABLE, "Kafka did not make the topics ready: " + e.getMessage());
        }
    }
}
