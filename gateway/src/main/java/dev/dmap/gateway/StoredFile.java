package dev.dmap.gateway;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A file the gateway keeps: its metadata, stored beside its content as {@code <id>.json}.
 *
 * @param createdAt epoch seconds
 * @param expiresAt epoch seconds, or null for never
 */
public record StoredFile(String id, String owner, long bytes, long createdAt, String filename, String purpose, Long expiresAt) {

    boolean expired(long nowSeconds) {
        return expiresAt != null && expiresAt <= nowSeconds;
    }

    /** OpenAI's file object. */
    Map<String, Object> view() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", id);
        view.put("object", "file");
        view.put("bytes", bytes);
        view.put("created_at", createdAt);
        view.put("expires_at", expiresAt);
        view.put("filename", filename);
        view.put("purpose", purpose);
        view.put("status", "processed");
        view.put("status_details", null);
        return view;
    }
}
