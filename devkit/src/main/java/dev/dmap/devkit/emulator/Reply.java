package dev.dmap.devkit.emulator;

import tools.jackson.databind.JsonNode;

/**
 * A JSON answer for the router to write, and an optional action to run once the exchange is
 * closed (used by {@code /__emulator/crash}, which must answer before it takes the server down).
 */
record Reply(int status, JsonNode body, Runnable afterResponse) {
    static Reply ok(JsonNode body) {
        return new Reply(200, body, null);
    }

    /** The endpoint wrote the response itself (a stream). */
    static Reply written() {
        return new Reply(0, null, null);
    }

    boolean alreadyWritten() {
        return body == null;
    }
}
