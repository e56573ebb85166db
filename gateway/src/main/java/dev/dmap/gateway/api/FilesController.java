package dev.dmap.gateway.api;

import dev.dmap.gateway.GatewaySettings;
import dev.dmap.gateway.Quoted;
import dev.dmap.gateway.files.FileStore;
import dev.dmap.gateway.files.StoredFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import org.springframework.core.io.FileSystemResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;

/** OpenAI's Files API for batch input and output: upload, list, retrieve, download, delete. */
@RestController
@RequestMapping("/v1/files")
class FilesController {
    private final FileStore files;
    private final GatewaySettings settings;
    private final Clock clock;

    FilesController(FileStore files, GatewaySettings settings, Clock clock) {
        this.files = files;
        this.settings = settings;
        this.clock = clock;
    }

    /** Multipart {@code file} and {@code purpose=batch}; the part is on disk already and is moved, never held in memory. */
    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    Map<String, Object> upload(@RequestAttribute(Authentication.OWNER) String owner, @RequestParam("file") MultipartFile file,
            @RequestParam("purpose") String purpose,
            @RequestParam(name = "expires_after[anchor]", required = false) String expiresAfterAnchor,
            @RequestParam(name = "expires_after[seconds]", required = false) String expiresAfterSeconds) {
        if (!"batch".equals(purpose)) {
            throw ApiError.invalid("purpose", "dmap stores batch input files only: purpose must be 'batch', not "
                    + Quoted.prefix(purpose) + ".");
        }
        requireRoom(owner, file.getSize());
        long lifetime = expiresAfterSeconds != null || expiresAfterAnchor != null
                ? ExpiresAfter.seconds(expiresAfterAnchor, expiresAfterSeconds, "expires_after") : settings.fileRetention().toSeconds();
        Path incoming = files.incoming();
        try {
            file.transferTo(incoming.toFile()); // the File form moves the part into place; the Path form would copy it
        } catch (IOException e) {
            throw new UncheckedIOException("cannot store the upload: " + e.getMessage(), e);
        }
        String name = dev.dmap.gateway.files.FileNames.clean(file.getOriginalFilename());
        return FileView.of(files.add(incoming, owner, name, purpose, clock.instant().getEpochSecond() + lifetime));
    }

    /** Refuses an upload beyond the owner's quota of files or bytes (the part read is deleted with the request). */
    private void requireRoom(String owner, long bytes) {
        FileStore.Usage used = files.usage(owner);
        settings.ownerQuota().refusal(used.files(), used.bytes(), bytes).ifPresent(problem -> {
            throw ApiError.quota(problem);
        });
    }

    @GetMapping
    Map<String, Object> list(@RequestAttribute(Authentication.OWNER) String owner,
            @RequestParam(name = "purpose", required = false) String purpose,
            @RequestParam(name = "limit", required = false) Integer limit, @RequestParam(name = "after", required = false) String after) {
        var owned = files.list(owner).stream().filter(f -> purpose == null || f.purpose().equals(purpose)).toList();
        return Pages.page(owned, limit == null ? 10_000 : limit, after, StoredFile::id, FileView::of, 10_000);
    }

    @GetMapping("/{id}")
    Map<String, Object> get(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        return FileView.of(find(owner, id));
    }

    /** Streamed from disk. */
    @GetMapping("/{id}/content")
    ResponseEntity<Resource> content(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        StoredFile file = find(owner, id);
        return ResponseEntity.ok().contentType(MediaType.APPLICATION_OCTET_STREAM).contentLength(file.bytes())
                .body(new FileSystemResource(files.content(file)));
    }

    @DeleteMapping("/{id}")
    Map<String, Object> delete(@RequestAttribute(Authentication.OWNER) String owner, @PathVariable("id") String id) {
        files.delete(find(owner, id));
        return Map.of("id", id, "object", "file", "deleted", true);
    }

    private StoredFile find(String owner, String id) {
        return files.find(owner, id).orElseThrow(() -> ApiError.notFound("No such File object: " + id));
    }
}
