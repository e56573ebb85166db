package dev.dmap.gateway.api;

import dev.dmap.gateway.GatewaySettings;
import dev.dmap.gateway.batches.NotCancellable;
import dev.dmap.gateway.batches.StatesUnavailable;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.util.unit.DataSize;
import org.springframework.web.multipart.MaxUploadSizeExceededException;
import org.springframework.web.multipart.MultipartException;
import org.springframework.web.multipart.support.MissingServletRequestPartException;
import org.springframework.web.servlet.resource.NoResourceFoundException;

/** Every failure answered in OpenAI's error shape. */
@RestControllerAdvice
class ErrorAnswers {
    private static final Logger log = LoggerFactory.getLogger(ErrorAnswers.class);
    private final GatewaySettings settings;

    ErrorAnswers(GatewaySettings settings) {
        this.settings = settings;
    }

    @ExceptionHandler(ApiError.class)
    ResponseEntity<Map<String, Object>> api(ApiError error) {
        return ResponseEntity.status(error.status()).contentType(MediaType.APPLICATION_JSON).body(error.body());
    }

    @ExceptionHandler(StatesUnavailable.class)
    ResponseEntity<Map<String, Object>> statesUnavailable(StatesUnavailable e) {
        return api(ApiError.unavailable(e.getMessage()));
    }

    @ExceptionHandler(NotCancellable.class)
    ResponseEntity<Map<String, Object>> notCancellable(NotCancellable e) {
        return api(ApiError.conflict(e.getMessage()));
    }

    @ExceptionHandler(MissingServletRequestParameterException.class)
    ResponseEntity<Map<String, Object>> missingParameter(MissingServletRequestParameterException e) {
        return api(ApiError.invalid(e.getParameterName(), "Missing required parameter: '" + e.getParameterName() + "'."));
    }

    @ExceptionHandler(MaxUploadSizeExceededException.class)
    ResponseEntity<Map<String, Object>> tooLarge(MaxUploadSizeExceededException e) {
        return api(ApiError.tooLarge("file", fileTooLarge(settings.maxFileSize())));
    }

    /**
     * An upload that could not be read: the client went away mid-body, or sent a malformed multipart body.
     * One line in the log, no stack trace (a client dropping uploads must not flood it).
     */
    /** What an upload over the limit is told, whether refused by its declared length or while it was read. */
    static String fileTooLarge(long maxFileSize) {
        return "The file is larger than this gateway takes (" + DataSize.ofBytes(maxFileSize).toMegabytes()
                + " MB; its operator sets --max-file-size). Split it into several batches.";
    }

    @ExceptionHandler(MultipartException.class)
    ResponseEntity<Map<String, Object>> unreadableUpload(MultipartException e) {
        if (e.getMostSpecificCause() instanceof org.apache.tomcat.util.http.fileupload.InvalidFileNameException) {
            log.info("An upload was refused: its file name holds a NUL character");
            return api(ApiError.invalid("file", "The file name is not valid: it holds a NUL character."));
        }
        log.info("An upload could not be read: {}", e.getMostSpecificCause().getClass().getSimpleName());
        return api(ApiError.invalid("file", "The upload could not be read: the connection ended or the multipart body is malformed."));
    }

    @ExceptionHandler(MissingServletRequestPartException.class)
    ResponseEntity<Map<String, Object>> missingPart(MissingServletRequestPartException e) {
        return api(ApiError.invalid(e.getRequestPartName(), "Missing required parameter: '" + e.getRequestPartName() + "'."));
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Map<String, Object>> badParameter(MethodArgumentTypeMismatchException e) {
        return api(ApiError.invalid(e.getName(), "Invalid value for '" + e.getName() + "'."));
    }

    @ExceptionHandler(HttpMessageNotReadableException.class)
    ResponseEntity<Map<String, Object>> unreadable(HttpMessageNotReadableException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof BoundedBody.TooLarge) {
                return api(ApiError.bodyTooLarge("The request body is larger than this gateway takes here ("
                        + GatewaySettings.MAX_JSON_BYTES + " bytes)."));
            }
        }
        return api(ApiError.invalid(null, "The body is not a JSON object."));
    }

    @ExceptionHandler({NoResourceFoundException.class, HttpRequestMethodNotSupportedException.class})
    ResponseEntity<Map<String, Object>> unknown(Exception e) {
        return ResponseEntity.status(HttpStatus.NOT_FOUND).contentType(MediaType.APPLICATION_JSON).body(ApiError.notFound("dmap's gateway does not serve this URL "
                + "(it serves /v1/files and /v1/batches).").body());
    }

    @ExceptionHandler(RuntimeException.class)
    ResponseEntity<Map<String, Object>> unexpected(RuntimeException e) {
        log.error("Request failed unexpectedly", e);
        return ResponseEntity.status(HttpStatus.INTERNAL_SERVER_ERROR).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", Map.of(
                "message", "The gateway failed unexpectedly; its log says why.", "type", "server_error")));
    }
}
