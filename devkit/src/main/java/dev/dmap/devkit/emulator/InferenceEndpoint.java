package dev.dmap.devkit.emulator;

/** The three inference endpoints, with the body field that carries their input. */
enum InferenceEndpoint {
    CHAT("/chat/completions", "messages"),
    COMPLETION("/completions", "prompt"),
    EMBEDDING("/embeddings", "input"),
    /** OpenAI's Responses API ({@code POST /v1/responses}), which LM Studio serves since 0.3.29. */
    RESPONSE("/responses", "input");

    private final String pathSuffix;
    private final String inputField;

    InferenceEndpoint(String pathSuffix, String inputField) {
        this.pathSuffix = pathSuffix;
        this.inputField = inputField;
    }

    /** The OpenAI-compatible path, e.g. {@code /v1/chat/completions}. */
    String path() {
        return "/v1" + pathSuffix;
    }

    String inputField() {
        return inputField;
    }

    boolean generatesText() {
        return this != EMBEDDING;
    }
}
