package dev.dmap.gateway.batches;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

/**
 * The gateway's batch records, one JSON file each, replaced atomically; beside them, an empty
 * {@code <id>.cancel} marks a cancel asked for while the batch was still being published.
 */
public final class BatchStore {
    private static final Logger log = LoggerFactory.getLogger(BatchStore.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private final Path dir;

    public BatchStore(Path root) {
        this.dir = root.resolve("batches");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot use " + dir + ": " + e.getMessage(), e);
        }
    }

    public void save(GatewayBatch batch) {
        try {
            Path temp = Files.createTempFile(dir, batch.id() + ".", ".tmp"); // unique: other gateways may save it too
            JSON.writeValue(temp.toFile(), batch);
            Files.move(temp, dir.resolve(batch.id() + ".json"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save batch " + batch.id() + ": " + e.getMessage(), e);
        }
    }

    /** The owner's batch {@code id}; another owner's is absent. */
    public Optional<GatewayBatch> find(String owner, String id) {
        return read(id).filter(batch -> batch.owner().equals(owner));
    }

    /** Marks that the batch's owner asked to cancel it (kept until the batch record goes). */
    public void requestCancel(String id) {
        try {
            Files.write(dir.resolve(id + ".cancel"), new byte[0]);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the cancel of batch " + id + ": " + e.getMessage(), e);
        }
    }

    /** Whether a cancel of the batch was asked for. */
    public boolean cancelRequested(String id) {
        return Files.exists(dir.resolve(id + ".cancel"));
    }

    /** The owner's batches, newest first. */
    public List<GatewayBatch> list(String owner) {
        return all().stream().filter(batch -> batch.owner().equals(owner)).toList();
    }

    /** Every batch, newest first. */
    public List<GatewayBatch> all() {
        List<GatewayBatch> found = new ArrayList<>();
        try (Stream<Path> paths = Files.list(dir)) {
            paths.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".json"))
                    .forEach(name -> read(name.substring(0, name.length() - ".json".length())).ifPresent(found::add));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        found.sort(Comparator.comparingLong(GatewayBatch::createdAt).reversed().thenComparing(GatewayBatch::id,
                Comparator.reverseOrder()));
        return found;
    }

    /** Batch {@code id}, whoever owns it (for background work). */
    public Optional<GatewayBatch> read(String id) {
        if (!id.matches("[A-Za-z0-9._:-]{1,200}")) {
            return Optional.empty();
        }
        Path file = dir.resolve(id + ".json");
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return Optional.of(JSON.readValue(bytes, GatewayBatch.class));
        } catch (RuntimeException e) {
            log.warn("Skipped the unreadable batch record {} ({})", file, e.getMessage());
            return Optional.empty();
        }
    }
}
