package dev.dmap.gateway.batches;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the gateway itself knows of a batch (the rest comes from the batch tracker's state): kept as
 * {@code batches/<id>.json} in the file directory.
 *
 * @param phase              where the gateway's own part of the work is
 * @param createdAt          epoch seconds
 * @param expiresAt          epoch seconds: created + completion window, the requests' deadline
 * @param outputExpiresAfter seconds after the batch ends that its output and error files expire, or null for the default
 * @param errors             invalid lines, when the phase is {@link Phase#FAILED}
 * @param total              the batch's requests, once published (so collecting its outputs reads no command); null before
 * @param maxPriority        the highest priority its lines may have (its creator's key's grant); null in records
 *                           written before grants existed: no limit
 */
public record GatewayBatch(String id, String owner, String endpoint, String inputFileId, String completionWindow,
        Map<String, String> metadata, long createdAt, long expiresAt, Long outputExpiresAfter, Phase phase,
        List<LineError> errors, Long failedAt, String outputFileId, String errorFileId, Long total, Integer maxPriority) {

    /** The gateway's part of a batch's life. */
    public enum Phase {
        /** Recorded; its file is being validated and published (by this gateway or, if it dies, another). */
        VALIDATING,
        /** Published: the workers serve it and the batch tracker reports its state. */
        SUBMITTED,
        /** Never published: its file was invalid or gone, or Kafka refused it. */
        FAILED;

        @JsonValue
        public String wire() {
            return name().toLowerCase(Locale.ROOT);
        }

        @JsonCreator
        public static Phase of(String wire) {
            return valueOf(wire.toUpperCase(Locale.ROOT));
        }
    }

    /** An invalid input line, as OpenAI lists it in a failed batch's {@code errors}. */
    public record LineError(String code, String message, String param, Integer line) {
    }

    /** A batch just created: validating, nothing published. */
    public static GatewayBatch created(String id, String owner, String endpoint, String inputFileId, String completionWindow,
            Map<String, String> metadata, long createdAt, long expiresAt, Long outputExpiresAfter, int maxPriority) {
        return new GatewayBatch(id, owner, endpoint, inputFileId, completionWindow, metadata, createdAt, expiresAt,
                outputExpiresAfter, Phase.VALIDATING, List.of(), null, null, null, null, maxPriority);
    }

    GatewayBatch submitted(long requests) {
        return with(Phase.SUBMITTED, errors, failedAt, outputFileId, errorFileId, requests);
    }

    GatewayBatch failed(List<LineError> problems, long at) {
        return with(Phase.FAILED, problems, at, outputFileId, errorFileId, total);
    }

    GatewayBatch withOutputs(String output, String error) {
        return with(phase, errors, failedAt, output, error, total);
    }

    private GatewayBatch with(Phase phase, List<LineError> errors, Long failedAt, String outputFileId, String errorFileId,
            Long total) {
        return new GatewayBatch(id, owner, endpoint, inputFileId, completionWindow, metadata, createdAt, expiresAt,
                outputExpiresAfter, phase, errors, failedAt, outputFileId, errorFileId, total, maxPriority);
    }

    /** The record as stored: its errors are kept apart ({@link BatchStore}). */
    GatewayBatch withoutErrors() {
        return errors.isEmpty() ? this : with(phase, List.of(), failedAt, outputFileId, errorFileId, total);
    }

    public boolean outputsWritten() {
        return outputFileId != null || errorFileId != null;
    }
}
