package dev.dmap.gateway.api;

import dev.dmap.gateway.files.StoredFile;
import java.util.LinkedHashMap;
import java.util.Map;

/** OpenAI's file object, from a stored file's metadata. */
final class FileView {
    private FileView() {
    }

    static Map<String, Object> of(StoredFile file) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("id", file.id());
        view.put("object", "file");
        view.put("bytes", file.bytes());
        view.put("created_at", file.createdAt());
        view.put("expires_at", file.expiresAt());
        view.put("filename", file.filename());
        view.put("purpose", file.purpose());
        view.put("status", "processed");
        view.put("status_details", null);
        return view;
    }
}
