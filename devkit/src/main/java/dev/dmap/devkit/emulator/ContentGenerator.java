package dev.dmap.devkit.emulator;

import dev.dmap.schemas.PromptTokens;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Random;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Deterministic stand-ins for model output. The same (model key, request body, seed) always
 * gives the same completion and usage, so tests can compare two runs, and a retry after a fault
 * returns exactly what the first attempt would have. The model key is hashed, but not the
 * body's {@code model} (an instance id such as {@code key:2} answers like {@code key}) nor
 * {@code stream}/{@code stream_options} (a stream carries the same text as a plain answer).
 */
final class ContentGenerator {
    /** Every completion starts with this, so emulator output is never mistaken for a model's. */
    static final String PREFIX = "[LM Studio emulator] ";
    /** Bounds of the natural (uncapped) completion length, in tokens. */
    static final int MIN_TOKENS = 16;
    static final int MAX_TOKENS = 96;
    /** Dimension of emulated embedding vectors. */
    static final int EMBEDDING_DIMENSION = 16;

    private static final String[] WORDS = ("the a model batch token queue worker kafka request answer result partition "
            + "memory context slot prompt latency throughput local server load swap record offset consumer group "
            + "quick steady small large first last next every each simple careful useful clear stable fast slow "
            + "runs reads writes waits returns keeps moves loads serves counts checks sends holds takes gives "
            + "and or but so then while because after before with without from into over under near").split(" ");

    private static final List<String> IGNORED_FIELDS = List.of("model", "stream", "stream_options");

    private final long seed;

    ContentGenerator(long seed) {
        this.seed = seed;
    }

    /** A completion of this request, already capped; {@code tokens} is the true cl100k count of the text. */
    record Completion(String text, int tokens, boolean capped) {
        /** OpenAI's finish reason: {@code length} when max_tokens or the context cut the answer short. */
        String finishReason() {
            return capped ? "length" : "stop";
        }

        /** LM Studio's native stop reason (SDK {@code LLMPredictionStopReason}). */
        String stopReason() {
            return capped ? "maxPredictedTokensReached" : "eosFound";
        }
    }

    /**
     * The completion for {@code body} on {@code modelKey}: a natural length of 16..96 tokens
     * chosen by hash, capped by {@code max_tokens} (or {@code max_output_tokens}, {@code max_completion_tokens}) when
     * positive, and by the room left in the context.
     */
    Completion complete(String modelKey, JsonNode body, int promptTokens, int contextLength) {
        long hash = hash(modelKey, material(body).toString());
        int natural = MIN_TOKENS + (int) Math.floorMod(hash, (long) (MAX_TOKENS - MIN_TOKENS + 1));
        int limit = Math.min(natural, Math.max(0, contextLength - promptTokens));
        int maxTokens = maxTokens(body);
        if (maxTokens > 0) {
            limit = Math.min(limit, maxTokens);
        }
        String text = Cl100k.firstTokens(pseudoText(hash, natural), limit);
        return new Completion(text, PromptTokens.countText(text), limit < natural);
    }

    /** A unit vector of {@link #EMBEDDING_DIMENSION} floats that depends only on model, text and seed. */
    double[] embed(String modelKey, String text) {
        Random random = new Random(hash(modelKey, text));
        double[] vector = new double[EMBEDDING_DIMENSION];
        double norm = 0;
        for (int i = 0; i < vector.length; i++) {
            vector[i] = random.nextGaussian();
            norm += vector[i] * vector[i];
        }
        double length = Math.sqrt(norm);
        for (int i = 0; i < vector.length; i++) {
            vector[i] /= length;
        }
        return vector;
    }

    /** The body without what must not change the answer: the instance named and the transport (streaming). */
    private static JsonNode material(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            return body;
        }
        ObjectNode copy = object.deepCopy();
        copy.remove(IGNORED_FIELDS);
        return copy;
    }

    private static int maxTokens(JsonNode body) {
        JsonNode value = body.has("max_tokens") ? body.path("max_tokens")
                : body.has("max_output_tokens") ? body.path("max_output_tokens") : body.path("max_completion_tokens");
        return value.isNumber() ? value.asInt() : -1;
    }

    /** The prefix plus at least {@code tokens} words (each word is at least one token). */
    private static String pseudoText(long hash, int tokens) {
        Random random = new Random(hash);
        StringBuilder text = new StringBuilder(PREFIX);
        boolean sentenceStart = true;
        for (int i = 0; i < tokens; i++) {
            String word = WORDS[random.nextInt(WORDS.length)];
            text.append(sentenceStart ? Character.toUpperCase(word.charAt(0)) + word.substring(1) : word);
            sentenceStart = random.nextInt(9) == 0;
            text.append(sentenceStart ? ". " : " ");
        }
        return text.toString().trim();
    }

    private long hash(String modelKey, String material) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(modelKey.getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(material.getBytes(StandardCharsets.UTF_8));
            digest.update(ByteBuffer.allocate(Long.BYTES).putLong(seed).array());
            return ByteBuffer.wrap(digest.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every JVM", e);
        }
    }
}
