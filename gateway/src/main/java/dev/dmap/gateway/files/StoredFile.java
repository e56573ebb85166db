package dev.dmap.gateway.files;

/**
 * A file the gateway keeps: its metadata, stored beside its content as {@code <id>.json}.
 *
 * @param createdAt epoch seconds
 * @param expiresAt epoch seconds, or null for never
 */
public record StoredFile(String id, String owner, long bytes, long createdAt, String filename, String purpose, Long expiresAt) {

    public boolean expired(long nowSeconds) {
        return expiresAt != null && expiresAt <= nowSeconds;
    }
}
