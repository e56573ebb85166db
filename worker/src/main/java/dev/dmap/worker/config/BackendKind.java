package dev.dmap.worker.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which adapter the worker uses for its inference server ({@code dmap.backend.kind}). */
public enum BackendKind {
    /** Probe the server's documented endpoints and use what answers (the default). */
    AUTO,
    /** LM Studio: its native model API for listings, loads and unloads. */
    LMSTUDIO,
    /** llama.cpp's llama-server, single-model or router mode (told apart by {@code /props}). */
    LLAMA_SERVER,
    /** Any OpenAI-compatible server: {@code /v1/models} only, no load control. */
    OPENAI;

    /** The configuration spelling: {@code auto}, {@code lmstudio}, {@code llama-server}, {@code openai}. */
    public String key() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Reads a configuration value, in either spelling ({@code llama-server} or {@code LLAMA_SERVER}). */
    public static BackendKind parse(String value) {
        String normal = value.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        return Arrays.stream(values()).filter(k -> k.name().equals(normal)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("dmap.backend.kind must be one of "
                        + Arrays.stream(values()).map(BackendKind::key).collect(Collectors.joining(", ")) + ", was " + value));
    }
}
