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

    /**
     * The online topic of a model: {@code <prefix>.online.<model-key>}, the interactive lane. Its
     * partitions hold no bulk work, so an interactive call never waits behind a backlog in Kafka.
     */
    public String online(String modelId) {
        return onlinePrefix() + modelKey(modelId);
    }

    /** What every online topic name starts with. */
    public String onlinePrefix() {
        return prefix + ".online.";
    }

    /** A pattern matching every topic a worker serves: the request topics and the online topics. */
    public Pattern servedPattern() {
        return Pattern.compile(Pattern.quote(prefix) + "\\.(requests|online)\\..+");
    }

    /** The model key of a served topic ({@link #servedPattern()}), or null for any other topic. */
    public String modelKeyOf(String topic) {
        if (topic.startsWith(requestsPrefix())) {
            return topic.substring(requestsPrefix().length());
        }
        return topic.startsWith(onlinePrefix()) ? topic.substring(onlinePrefix().length()) : null;
    }

    /**
     * The model key of a served topic under any prefix: what follows {@code .requests.} or
     * {@code .online.}, whichever comes first; the whole name for any other topic. For readers
     * that see topics of several prefixes (the assignor) or none known in advance.
     */
    public static String servedModelKey(String topic) {
        int requests = topic.indexOf(".requests.");
        int online = topic.indexOf(".online.");
        if (requests >= 0 && (online < 0 || requests < online)) {
            return topic.substring(requests + ".requests.".length());
        }
        return online >= 0 ? topic.substring(online + ".online.".length()) : topic;
    }

    /** Whether a served topic is an online (interactive) one. */
    public boolean isOnline(String topic) {
        return topic.startsWith(onlinePrefix());
    }

    /** Where a gateway reads the replies to its own calls: {@code <prefix>.replies.<gateway-id>}. */
    public String replies(String gatewayId) {
        return prefix + ".replies." + gatewayId;
    }

    /** Whether a topic is some caller's reply topic: the only topics a worker sends replies to. */
    public boolean isReplyTopic(String topic) {
        return topic != null && topic.startsWith(prefix + ".replies.") && topic.length() > (prefix + ".replies.").length();
    }

    /** Cancellations of online calls (the caller went away), keyed by request id; every worker reads all of it. */
    public String cancels() {
        return prefix + ".cancels";
    }

    /**
     * The response cache's store of record: compacted, keyed by cache key ({@link CacheKeys}), a
     * {@link CacheEntry} per key; every worker materialises the entries of the models it serves.
     */
    public String cache() {
        return prefix + ".cache";
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
