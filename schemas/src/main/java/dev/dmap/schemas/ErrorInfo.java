package dev.dmap.schemas;

import java.util.Objects;

/**
 * The {@code error} object of an OpenAI Batch error line.
 *
 * @param code    one of {@link ErrorCode}'s wire forms
 * @param message what happened, for a human; never contains prompt text
 */
public record ErrorInfo(String code, String message) {
    public ErrorInfo {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    public static ErrorInfo of(ErrorCode code, String message) {
        return new ErrorInfo(code.code(), message);
    }
}
