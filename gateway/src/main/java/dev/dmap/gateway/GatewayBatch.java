package dev.dmap.gateway;

import java.util.List;
import java.util.Map;

/**
 * What the gateway itself knows of a batch (the rest comes from the batch tracker's state): kept as
 * {@code batches/<id>.json} in the file directory.
 *
 * @param phase              {@code validating} until published, {@code submitted}, or {@code failed} (invalid input)
 * @param createdAt          epoch seconds
 * @param expiresAt          epoch seconds: created + completion window, the requests' deadline
 * @param outputExpiresAfter seconds after the batch ends that its output and error files expire, or null for the default
 * @param errors             invalid lines, when the phase is {@code failed}
 */
public record GatewayBatch(String id, String owner, String endpoint, String inputFileId, String completionWindow,
        Map<String, String> metadata, long createdAt, long expiresAt, Long outputExpiresAfter, String phase,
        List<LineError> errors, Long failedAt, String outputFileId, String errorFileId) {

    public static final String VALIDATING = "validating";
    public static final String SUBMITTED = "submitted";
    public static final String FAILED = "failed";

    /** An invalid input line, as OpenAI lists it in a failed batch's {@code errors}. */
    public record LineError(String code, String message, String param, Integer line) {
    }

    GatewayBatch submitted() {
        return new GatewayBatch(id, owner, endpoint, inputFileId, completionWindow, metadata, createdAt, expiresAt,
                outputExpiresAfter, SUBMITTED, errors, failedAt, outputFileId, errorFileId);
    }

    GatewayBatch failed(List<LineError> problems, long at) {
        return new GatewayBatch(id, owner, endpoint, inputFileId, completionWindow, metadata, createdAt, expiresAt,
                outputExpiresAfter, FAILED, problems, at, outputFileId, errorFileId);
    }

    GatewayBatch withOutputs(String output, String error) {
        return new GatewayBatch(id, owner, endpoint, inputFileId, completionWindow, metadata, createdAt, expiresAt,
                outputExpiresAfter, phase, errors, failedAt, output, error);
    }

    boolean outputsWritten() {
        return outputFileId != null || errorFileId != null;
    }
}
