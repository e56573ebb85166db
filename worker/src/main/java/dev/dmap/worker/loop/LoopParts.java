package dev.dmap.worker.loop;

import dev.dmap.worker.backend.BackendState;
import dev.dmap.worker.delivery.Assignment;
import dev.dmap.worker.delivery.Delivery;
import dev.dmap.worker.delivery.OutcomeRecords;
import dev.dmap.worker.fleet.RebalanceNudge;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.Consumer;

/** What a {@link PollLoop} is made of, in three groups; built by {@link WorkerLoops}. */
final class LoopParts {
    private LoopParts() {
    }

    /**
     * Fetching: the consumer and what it subscribes to, the owned partitions and their hand-over,
     * which partitions to pause, and the intake of each fetched record.
     */
    record Fetching(Consumer<byte[], byte[]> consumer, Pattern subscription, Assignment assignment,
            PartitionHandover handover, PartitionPauses pauses, Intake intake) {
    }

    /** Serving: the dispatcher that fills the slots, the events from its threads, the delivery of outcomes, the backend's state. */
    record Serving(Dispatcher dispatcher, LoopEvents events, Delivery delivery, BackendState backend) {
    }

    /** Reporting: backlog and queue depth, this worker's status records, and the nudge an idle worker gives the group. */
    record Reporting(QueueDepth depth, StatusReporter status, OutcomeRecords records, RebalanceNudge nudge) {
    }
}
