package dev.dmap.devkit.emulator;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * Reads a catalogue file: a JSON array of objects with {@link EmulatedModel}'s fields in
 * snake_case. {@code key}, {@code size_bytes} (a number, or a text such as {@code "4.7GB"}) and
 * {@code max_context_length} are required; {@code type} defaults to {@code llm}; the
 * descriptive fields default to what {@link EmulatedModel#llm} or {@link EmulatedModel#embedding}
 * guess from the key.
 */
final class ModelCatalogueFile {
    private ModelCatalogueFile() {
    }

    /**
     * @throws IllegalArgumentException naming the file and the entry when something is missing or wrong
     */
    static List<EmulatedModel> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readString(file));
        } catch (IOException | JacksonException e) {
            throw new IllegalArgumentException("cannot read models file " + file + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isArray()) {
            throw new IllegalArgumentException("models file " + file + " must hold a JSON array of model objects");
        }
        List<EmulatedModel> models = new ArrayList<>();
        for (JsonNode entry : root) {
            try {
                models.add(model(entry));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("models file " + file + ", entry " + entry + ": " + e.getMessage(), e);
            }
        }
        return models;
    }

    static EmulatedModel model(JsonNode entry) {
        String key = required(entry, "key").asString();
        JsonNode size = required(entry, "size_bytes");
        long sizeBytes = size.isNumber() ? size.asLong() : ByteSize.parse(size.asString());
        int context = required(entry, "max_context_length").asInt();
        String type = entry.path("type").asString(EmulatedModel.TYPE_LLM);
        if (!List.of(EmulatedModel.TYPE_LLM, EmulatedModel.TYPE_EMBEDDING, "embeddings").contains(type)) {
            throw new IllegalArgumentException("'type' must be llm or embedding, was " + type);
        }
        EmulatedModel guess = EmulatedModel.TYPE_EMBEDDING.equals(type) || "embeddings".equals(type)
                ? EmulatedModel.embedding(key, sizeBytes, context) : EmulatedModel.llm(key, sizeBytes, context);
        return new EmulatedModel(key, guess.type(), sizeBytes, context,
                entry.path("publisher").asString(guess.publisher()),
                entry.path("architecture").asString(guess.architecture()),
                entry.path("quantization").asString(guess.quantization()),
                entry.path("params_string").asString(guess.paramsString()));
    }

    private static JsonNode required(JsonNode entry, String field) {
        JsonNode value = entry.path(field);
        if (value.isMissingNode() || value.isNull()) {
            throw new IllegalArgumentException("'" + field + "' is required");
        }
        return value;
    }
}
