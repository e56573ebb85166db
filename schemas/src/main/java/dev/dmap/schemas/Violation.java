package dev.dmap.schemas;

import java.util.Objects;

/**
 * One problem with a message, located by a JSON pointer into it.
 *
 * @param path    JSON pointer of the offending field, e.g. {@code /body/model}; empty for the root
 * @param message what is wrong, for a human
 */
public record Violation(String path, String message) {
    public Violation {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    @Override
    public String toString() {
        return (path.isEmpty() ? "/" : path) + ": " + message;
    }
}
