package dev.dmap.worker.batches;

import dev.dmap.schemas.BatchCommand;
import dev.dmap.schemas.BatchEvent;
import dev.dmap.schemas.BatchState;
import dev.dmap.schemas.BatchStatus;
import dev.dmap.schemas.ErrorCode;
import dev.dmap.schemas.RequestCounts;
import dev.dmap.schemas.Usage;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A batch's lifecycle, as a pure function of its state and one input. Statuses follow OpenAI's:
 * {@code validating} while the client publishes, {@code in_progress} once it has, {@code cancelling}
 * after a cancel; when the last request has its terminal record the batch passes {@code finalizing}
 * and ends {@code cancelled} (if cancel was asked), {@code expired} (past its deadline) or
 * {@code completed}. Every ended batch has an outcome ({@code succeeded}, {@code partially_failed},
 * {@code all_failed}), so one where every request failed never reads as a plain success. A replay
 * can change the outcome of an ended batch; each change emits one more event, so the latest event
 * of a batch always carries its current outcome.
 */
public final class BatchStateMachine {

    /**
     * A new state, and the event to emit if the batch just ended or, having ended, its outcome
     * changed (a replayed request that succeeds turns {@code all_failed} into {@code partially_failed}
     * or {@code partially_failed} into {@code succeeded}).
     *
     * @param state the state after the input
     * @param event the completion event when the batch just ended; an event with the new outcome when
     *              the outcome of an ended batch changed; else empty
     */
    public record Step(BatchState state, Optional<BatchEvent> event) {
    }

    private BatchStateMachine() {
    }

    public static Step apply(BatchState current, BatchCommand command) {
        BatchState state = current != null ? current : placeholder(command.batchId(), command.at());
        Builder next = new Builder(state);
        switch (command.type()) {
            case BatchCommand.CREATED -> {
                next.total = command.total() == null ? 0 : command.total();
                next.models = totals(command.models(), state.models());
                next.inputFile = command.inputFile();
                next.createdAt = command.at();
                next.expiresAt = command.expiresAt();
                if (state.batchStatus() == BatchStatus.VALIDATING || current == null) {
                    next.status = BatchStatus.VALIDATING;
                }
            }
            case BatchCommand.PUBLISHED -> {
                if (next.status == BatchStatus.VALIDATING) {
                    next.status = BatchStatus.IN_PROGRESS;
                }
                next.inProgressAt = next.inProgressAt == null ? command.at() : next.inProgressAt;
            }
            case BatchCommand.CANCEL -> {
                if (!state.ended() && next.status != BatchStatus.CANCELLING) {
                    next.status = BatchStatus.CANCELLING;
                    next.cancellingAt = command.at();
                }
            }
            default -> throw new IllegalArgumentException("unknown command " + command.type());
        }
        return finish(state, next, command.at());
    }

    public static Step apply(BatchState current, OutcomeDelta delta) {
        BatchState state = current != null ? current : placeholder(delta.batchId(), delta.at());
        Builder next = new Builder(state);
        next.count(delta);
        return finish(state, next, delta.at());
    }

    /** Ends the batch when its last request has its outcome; sets the outcome of an ended batch. */
    private static Step finish(BatchState before, Builder next, Instant at) {
        long done = next.completed + next.failed;
        boolean allIn = next.total > 0 && done >= next.total && next.inProgressAt != null;
        Optional<BatchEvent> event = Optional.empty();
        if (allIn && !next.status.isTerminal()) {
            next.finalizingAt = at;
            if (next.status == BatchStatus.CANCELLING) {
                next.status = BatchStatus.CANCELLED;
                next.cancelledAt = at;
            } else if (next.expiresAt != null && (at.isAfter(next.expiresAt)
                    || next.errors.containsKey(ErrorCode.DEADLINE_EXCEEDED.code()))) {
                next.status = BatchStatus.EXPIRED;
                next.expiredAt = at;
            } else {
                next.status = BatchStatus.COMPLETED;
                next.completedAt = at;
            }
            next.outcome = outcome(next.completed, next.failed);
            BatchState ended = next.build();
            return new Step(ended, Optional.of(BatchEvent.of(ended, at)));
        }
        if (next.status.isTerminal()) {
            next.outcome = outcome(next.completed, next.failed); // a replay after the end updates it
            if (!next.outcome.equals(before.outcome())) {
                // downstream consumers of batch events learn the new outcome: same type and status,
                // the new outcome and counts, and the time of the change
                BatchState changed = next.build();
                return new Step(changed, Optional.of(BatchEvent.of(changed, at)));
            }
        }
        return new Step(next.build(), event);
    }

    static String outcome(long completed, long failed) {
        if (failed == 0) {
            return "succeeded";
        }
        return completed == 0 ? "all_failed" : "partially_failed";
    }

    private static Map<String, RequestCounts> totals(Map<String, Long> declared, Map<String, RequestCounts> seen) {
        Map<String, RequestCounts> models = new HashMap<>(seen);
        if (declared != null) {
            declared.forEach((model, total) -> {
                RequestCounts counts = models.getOrDefault(model, RequestCounts.ZERO);
                models.put(model, new RequestCounts(total, counts.completed(), counts.failed()));
            });
        }
        return models;
    }

    /** A batch heard of before its creation command (an outcome can overtake it). */
    private static BatchState placeholder(String batchId, Instant at) {
        return new BatchState(batchId, BatchStatus.VALIDATING.wire(), null, RequestCounts.ZERO, Map.of(), Map.of(),
                Usage.ZERO, null, at, null, null, null, null, null, null, null, 1);
    }

    /** The mutable working copy of a state while one input is applied. */
    private static final class Builder {
        final String batchId;
        BatchStatus status;
        String outcome;
        long total;
        long completed;
        long failed;
        Map<String, RequestCounts> models;
        final Map<String, Long> errors;
        Usage usage;
        long cacheHits;
        Usage tokensSaved;
        String inputFile;
        Instant createdAt;
        Instant inProgressAt;
        Instant finalizingAt;
        Instant completedAt;
        Instant expiresAt;
        Instant expiredAt;
        Instant cancellingAt;
        Instant cancelledAt;

        Builder(BatchState state) {
            batchId = state.batchId();
            status = state.batchStatus();
            outcome = state.outcome();
            total = state.requestCounts().total();
            completed = state.requestCounts().completed();
            failed = state.requestCounts().failed();
            models = new HashMap<>(state.models());
            errors = new HashMap<>(state.errors());
            usage = state.usage() == null ? Usage.ZERO : state.usage();
            cacheHits = state.cacheHits();
            tokensSaved = state.tokensSaved() == null ? Usage.ZERO : state.tokensSaved();
            inputFile = state.inputFile();
            createdAt = state.createdAt();
            inProgressAt = state.inProgressAt();
            finalizingAt = state.finalizingAt();
            completedAt = state.completedAt();
            expiresAt = state.expiresAt();
            expiredAt = state.expiredAt();
            cancellingAt = state.cancellingAt();
            cancelledAt = state.cancelledAt();
        }

        void count(OutcomeDelta delta) {
            int completedChange = (OutcomeDelta.COMPLETED.equals(delta.to()) ? 1 : 0)
                    - (OutcomeDelta.COMPLETED.equals(delta.from()) ? 1 : 0);
            int failedChange = (OutcomeDelta.FAILED.equals(delta.to()) ? 1 : 0) - (OutcomeDelta.FAILED.equals(delta.from()) ? 1 : 0);
            completed += completedChange;
            failed += failedChange;
            RequestCounts model = models.getOrDefault(delta.model(), RequestCounts.ZERO);
            models.put(delta.model(), new RequestCounts(model.total(), model.completed() + completedChange,
                    model.failed() + failedChange));
            if (delta.fromCode() != null) {
                errors.computeIfPresent(delta.fromCode(), (code, count) -> count <= 1 ? null : count - 1);
            }
            if (delta.toCode() != null) {
                errors.merge(delta.toCode(), 1L, Long::sum);
            }
            if (delta.cached()) {
                cacheHits++;
                tokensSaved = tokensSaved.plus(delta.promptTokens(), delta.completionTokens());
            } else {
                usage = usage.plus(delta.promptTokens(), delta.completionTokens());
            }
        }

        BatchState build() {
            return new BatchState(batchId, status.wire(), outcome, new RequestCounts(total, completed, failed), models,
                    errors, usage, inputFile, createdAt, inProgressAt, finalizingAt, completedAt, expiresAt, expiredAt,
                    cancellingAt, cancelledAt, 1, cacheHits, tokensSaved);
        }
    }
}
