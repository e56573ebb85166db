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
 * The gateway's batch records, one JSON file each, replaced atomically; beside them, a failed batch's
 * errors in {@code <id>.errors.json} (a list reads records, not errors: one tenant's thousand long
 * errors must not slow another's list), and an empty {@code <id>.cancel} that marks a cancel asked for
 * while the batch was still being published.
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

    /** Saves the record; its errors, if any, go to their own file first, and the record keeps none. */
    public void save(GatewayBatch batch) {
        if (!batch.errors().isEmpty()) {
            write(batch.id() + ".errors.json", batch.id(), batch.errors());
        }
        write(batch.id() + ".json", batch.id(), batch.withoutErrors());
    }

    private void write(String name, String id, Object value) {
        try {
            Path temp = Files.createTempFile(dir, id + ".", ".tmp"); // unique: other gateways may save it too
            JSON.writeValue(temp.toFile(), value);
            Files.move(temp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save batch " + id + ": " + e.getMessage(), e);
        }
    }

    /** The errors of a failed batch (the first 1,000 invalid lines and the like); empty when it has none. */
    public List<GatewayBatch.LineError> errors(String id) {
        Path file = dir.resolve(id + ".errors.json");
        try {
            return List.of(JSON.readValue(Files.readAllBytes(file), GatewayBatch.LineError[].class));
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException | RuntimeException e) {
            log.warn("Skipped the unreadable errors of batch {} ({})", id, e.getMessage());
            return List.of();
        }
    }

    /** Deletes the batch's record, its errors and its cancel mark. */
    public void delete(String id) {
        try {
            Files.deleteIfExists(dir.resolve(id + ".json"));
            Files.deleteIfExists(dir.resolve(id + ".errors.json"));
            Files.deleteIfExists(dir.resolve(id + ".cancel"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete batch " + id + ": " + e.getMessage(), e);
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
            paths.map(p -> p.getFileName().toString()).filter(name -> name.endsWith(".json") && !name.endsWith(".errors.json"))
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
