package dev.dmap.gateway.batches;

import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.BatchStatus;

/** The status OpenAI would show for a batch, from the gateway's record and the batch tracker's state. */
public final class OpenAiStatus {
    private OpenAiStatus() {
    }

    /**
     * The tracker's status, but {@code finalizing}/{@code cancelling} until the output files are
     * stored (a client never sees {@code completed} without {@code output_file_id}), and
     * {@code cancelling} for a batch whose cancel was asked while it was being published.
     *
     * @param tracked the tracker's state, or null before it has one
     */
    public static String of(GatewayBatch batch, BatchState tracked, boolean cancelRequested) {
        if (batch.phase() == GatewayBatch.Phase.FAILED) {
            return BatchStatus.FAILED.wire();
        }
        if (tracked == null) {
            return cancelRequested ? BatchStatus.CANCELLING.wire()
                    : batch.phase() == GatewayBatch.Phase.VALIDATING ? BatchStatus.VALIDATING.wire() : BatchStatus.IN_PROGRESS.wire();
        }
        if (tracked.ended() && !batch.outputsWritten()) {
            return tracked.batchStatus() == BatchStatus.CANCELLED ? BatchStatus.CANCELLING.wire() : BatchStatus.FINALIZING.wire();
        }
        return tracked.status();
    }
}
