package dev.dmap.schemas;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Set;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;

/**
 * The response cache's key: the SHA-256 of a canonical form of everything that changes an answer,
 * namely the key version, the endpoint, the model's identity as the backend reports it (so a
 * re-quantised or replaced model is a miss) and the body without the fields that do not change
 * the answer ({@link #IGNORED}). Canonical: object fields sorted, no whitespace, numbers by value
 * ({@code 0}, {@code 0.0} and {@code 0e0} are one number), strings as JSON escapes them.
 */
public final class CacheKeys {
    /** Raised when the canonical form changes, so that no old entry is read under a new meaning. */
    public static final String VERSION = "dmap-cache-v1";
    /** Body fields that change how an answer is delivered or labelled, never what it says. */
    public static final Set<String> IGNORED = Set.of("stream", "stream_options", "user", "metadata", "service_tier");

    private CacheKeys() {
    }

    /** The key of a request to {@code url} with {@code body}, served by the model {@code modelIdentity} names. */
    public static String of(String url, String modelIdentity, JsonNode body) {
        return sha256(VERSION + "\n" + url + "\n" + modelIdentity + "\n" + canonical(body, true));
    }

    /**
     * What identical requests share before the model's identity is known: producers place such
     * requests on one partition by it, so that one worker sees all of them and computes them once.
     */
    public static String placement(String url, JsonNode body) {
        return sha256(VERSION + "\n" + url + "\n" + canonical(body, true));
    }

    /** Fields of a backend's model listing entry that describe its state at the moment, not the model. */
    public static final Set<String> VOLATILE_LISTING_FIELDS = Set.of("state", "status", "loaded_instances",
            "loaded_context_length", "created", "instances", "last_used", "ttl");

    /**
     * A model's identity from its entry in the backend's model listing: the SHA-256 of the entry
     * without its {@link #VOLATILE_LISTING_FIELDS}, so that whatever the server says about the
     * weights (path, quantisation, size, parameters, architecture) is part of every key.
     */
    public static String identity(JsonNode listingEntry) {
        StringBuilder out = new StringBuilder();
        TreeMap<String, JsonNode> kept = new TreeMap<>();
        listingEntry.properties().forEach(field -> {
            if (!VOLATILE_LISTING_FIELDS.contains(field.getKey())) {
                kept.put(field.getKey(), field.getValue());
            }
        });
        kept.forEach((name, value) -> {
            string(name, out);
            out.append(':');
            write(value, false, out);
            out.append(';');
        });
        return sha256(out.toString());
    }

    /** The canonical text of a JSON value; at the top level of a body the {@link #IGNORED} fields are left out. */
    static String canonical(JsonNode node, boolean body) {
        StringBuilder out = new StringBuilder();
        write(node, body, out);
        return out.toString();
    }

    private static void write(JsonNode node, boolean body, StringBuilder out) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            out.append("null");
        } else if (node.isObject()) {
            TreeMap<String, JsonNode> sorted = new TreeMap<>();
            node.properties().forEach(field -> {
                if (!(body && IGNORED.contains(field.getKey()))) {
                    sorted.put(field.getKey(), field.getValue());
                }
            });
            out.append('{');
            boolean first = true;
            for (var field : sorted.entrySet()) {
                out.append(first ? "" : ",");
                first = false;
                string(field.getKey(), out);
                out.append(':');
                write(field.getValue(), false, out);
            }
            out.append('}');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                out.append(i == 0 ? "" : ",");
                write(node.get(i), false, out);
            }
            out.append(']');
        } else if (node.isNumber()) {
            out.append(number(node));
        } else if (node.isString()) {
            string(node.asString(), out);
        } else {
            out.append(node.asString()); // true, false
        }
    }

    /** A number by its value: no trailing zeros, no sign on zero, integers and decimals alike. */
    static String number(JsonNode node) {
        BigDecimal value;
        if (node.isIntegralNumber()) {
            value = new BigDecimal(node.bigIntegerValue());
        } else if (node.isDouble() || node.isFloat()) {
            double d = node.doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            value = BigDecimal.valueOf(d);
        } else {
            value = node.decimalValue();
        }
        return value.signum() == 0 ? "0" : value.stripTrailingZeros().toString();
    }

    private static void string(String text, StringBuilder out) {
        out.append(MessageCodec.mapper().writeValueAsString(text));
    }

    private static String sha256(String text) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(digest.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }
}
