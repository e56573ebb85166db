package dev.dmap.schemas;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * dmap's topic names under a prefix (default {@code dmap}): one request topic per model, the
 * model's partition group, plus the results, dead-letter, batch and worker topics.
 *
 * @param prefix topic name prefix, e.g. {@code dmap}
 */
public record Topics(String prefix) {
    public static final String DEFAULT_PREFIX = "dmap";
    /** Longest model key before it is cut and suffixed with a hash. */
    static final int MAX_MODEL_KEY = 180;
    private static final Pattern OUTSIDE_KEY_ALPHABET = Pattern.compile("[^a-z0-9._-]+");
    private static final Pattern VALID_PREFIX = Pattern.compile("[a-zA-Z0-9._-]+");

    public Topics {
        Objects.requireNonNull(prefix, "prefix");
        if (!VALID_PREFIX.matcher(prefix).matches()) {
            throw new IllegalArgumentException("topic prefix must match [a-zA-Z0-9._-]+: " + prefix);
        }
    }

    public static Topics defaults() {
        return new Topics(DEFAULT_PREFIX);
    }

    /** The request topic of a model: {@code <prefix>.requests.<model-key>}. */
    public String requests(String modelId) {
        return requestsPrefix() + modelKey(modelId);
    }

    /** What every request topic name starts with. */
    public String requestsPrefix() {
        return prefix + ".requests.";
    }

    /** A pattern matching every request topic, for a pattern subscription. */
    public Pattern requestsPattern() {
        return Pattern.compile(Pattern.quote(requestsPrefix()) + ".+");
    }

    public String results() {
        return prefix + ".results";
    }

    public String deadLetters() {
        return prefix + ".dead-letters";
    }

    public String batches() {
        return prefix + ".batches";
    }

    public String workers() {
        return prefix + ".workers";
    }

    /** Batch commands (created, published, cancel), keyed by batch id: what the CLI asks. */
    public String batchCommands() {
        return prefix + ".batch-commands";
    }

    /** Batch events (a batch ended), keyed by batch id: what downstream services consume. */
    public String batchEvents() {
        return prefix + ".batch-events";
    }

    /**
     * The model key: the id lower-cased, every run of characters outside {@code [a-z0-9._-]}
     * replaced by {@code -}, trimmed of {@code -}, cut to 180 characters; when it had to be cut
     * (or came out empty), {@code -} and the first 8 hex digits of the SHA-256 of the exact id
     * are appended. Different ids can share a key; the exact id always travels in the message.
     */
    public static String modelKey(String modelId) {
        Objects.requireNonNull(modelId, "modelId");
        String key = OUTSIDE_KEY_ALPHABET.matcher(modelId.toLowerCase(Locale.ROOT)).replaceAll("-");
        key = trimDashes(key);
        boolean cut = key.length() > MAX_MODEL_KEY;
        if (cut) {
            key = key.substring(0, MAX_MODEL_KEY);
        }
        if (cut || key.isEmpty()) {
            key = key + "-" + OutputIds.sha256Hex(modelId).substring(0, 8);
        }
        return key;
    }

    private static String trimDashes(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && s.charAt(start) == '-') {
            start++;
        }
        while (end > start && s.charAt(end - 1) == '-') {
            end--;
        }
        return s.substring(start, end);
    }
}
