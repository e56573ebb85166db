package dev.dmap.schemas;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Output line ids ({@code batch_req_<hex>}), derived from the request id so they are stable across retries. */
public final class OutputIds {
    private OutputIds() {
    }

    public static String forRequest(String requestId) {
        return "batch_req_" + sha256Hex(requestId).substring(0, 24);
    }

    /** Hex SHA-256 of the UTF-8 bytes of {@code text}. */
    static String sha256Hex(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JRE", e);
        }
    }
}
