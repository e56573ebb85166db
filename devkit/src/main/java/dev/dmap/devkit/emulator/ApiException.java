package dev.dmap.devkit.emulator;

import tools.jackson.databind.JsonNode;

/** An HTTP error answer: thrown anywhere below an endpoint, written once by the router. */
final class ApiException extends RuntimeException {
    private final int status;
    private final transient JsonNode body;

    ApiException(int status, JsonNode body) {
        super(status + " " + body, null, false, false);
        this.status = status;
        this.body = body;
    }

    int status() {
        return status;
    }

    JsonNode body() {
        return body;
    }
}
