package dev.dmap.gateway.api;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's keys file: one line per key, the key then its owner's name ({@code sk-abc alice}),
 * optionally ending in {@code max-priority=N}, the highest {@code priority} the key's batch lines may
 * have (default {@link #DEFAULT_MAX_PRIORITY}: a line asking for more is lowered to it, so no tenant
 * overtakes the others unless the operator grants it), and in {@code admin}, a key whose console shows
 * the fleet and every owner's batches; blank lines and {@code #} comments are skipped. Read again whenever its modification time or size
 * changes, so a revoked key stops working on the next request; and its content is hashed again at
 * most every {@link #CONTENT_CHECK}, so an edit that keeps both ({@code cp -p}, {@code rsync -t}) takes
 * effect within that. A file that cannot be read any more
 * (deleted, made unreadable) revokes every key until it can: the gateway fails closed, with a WARN.
 * Keys are never logged.
 */
public final class ApiKeys {
    private static final Logger log = LoggerFactory.getLogger(ApiKeys.class);
    private final Path file;
    /** How often the file's content is compared by hash when its time and size say nothing changed. */
    static final java.time.Duration CONTENT_CHECK = java.time.Duration.ofSeconds(1);
    /** The highest priority a key's lines may have when its line in the file does not say. */
    public static final int DEFAULT_MAX_PRIORITY = 0;
    private static final java.util.regex.Pattern MAX_PRIORITY = java.util.regex.Pattern.compile("max-priority=(-?\\d{1,9})");
    private volatile Snapshot snapshot = new Snapshot(null, -1, new byte[0], 0, Map.of());

    /**
     * What a key may do.
     *
     * @param owner       whose the key is: files and batches belong to owners
     * @param maxPriority the highest priority its batch lines may have
     * @param admin       whether the console shows it the fleet and every owner's batches
     */
    public record Grant(String owner, int maxPriority, boolean admin) {
        public Grant(String owner, int maxPriority) {
            this(owner, maxPriority, false);
        }
    }

    private record Snapshot(FileTime modified, long size, byte[] digest, long checkedAtNanos, Map<String, Grant> ownerByKey) {
    }

    /** The owner of every call to a gateway without a keys file (loopback only, as LM Studio and the article's proxy). */
    public static final String ANONYMOUS = "anonymous";

    public ApiKeys(Path file) {
        this.file = file;
        if (file != null) {
            reloadIfChanged();
            log.info("API keys from {}: {} keys", file, snapshot.ownerByKey().size());
        }
    }

    /** No keys: every caller is {@link #ANONYMOUS}. */
    public static ApiKeys anonymous() {
        return new ApiKeys(null);
    }

    /** Whether this gateway runs without keys. */
    public boolean isAnonymous() {
        return file == null;
    }

    /** The owner of {@code key}, if the file holds it now. */
    public Optional<String> owner(String key) {
        return grant(key).map(Grant::owner);
    }

    /** What {@code key} may do, if the file holds it now. */
    public Optional<Grant> grant(String key) {
        if (file == null) {
            return Optional.of(new Grant(ANONYMOUS, DEFAULT_MAX_PRIORITY));
        }
        reloadIfChanged();
        for (Map.Entry<String, Grant> entry : snapshot.ownerByKey().entrySet()) {
            if (MessageDigest.isEqual(entry.getKey().getBytes(StandardCharsets.UTF_8), key.getBytes(StandardCharsets.UTF_8))) {
                return Optional.of(entry.getValue());
            }
        }
        return Optional.empty();
    }

    private synchronized void reloadIfChanged() {
        try {
            FileTime modified = Files.getLastModifiedTime(file);
            long size = Files.size(file);
            Snapshot now = snapshot;
            long nanos = System.nanoTime();
            boolean sameStamp = modified.equals(now.modified()) && size == now.size();
            if (sameStamp && nanos - now.checkedAtNanos() < CONTENT_CHECK.toNanos()) {
                return;
            }
            byte[] content = Files.readAllBytes(file);
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(content);
            if (sameStamp && MessageDigest.isEqual(digest, now.digest())) {
                snapshot = new Snapshot(modified, size, digest, nanos, now.ownerByKey());
                return;
            }
            snapshot = new Snapshot(modified, size, digest, nanos,
                    parse(new String(content, StandardCharsets.UTF_8).lines().toList()));
            if (now.modified() != null) {
                log.info("API keys file {} changed: {} keys now", file, snapshot.ownerByKey().size());
            }
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        } catch (IOException e) {
            if (!snapshot.ownerByKey().isEmpty() || snapshot.modified() != null) {
                log.warn("Cannot read the API keys file {} ({}): every key is refused until it can be read", file, e.toString());
            }
            snapshot = new Snapshot(null, -1, new byte[0], 0, Map.of());
        }
    }

    /** {@code OWNER [max-priority=N] [admin]}: the options come last, in any order; the owner's name may hold spaces. */
    private static Grant parseGrant(String rest) {
        List<String> words = new java.util.ArrayList<>(List.of(rest.split("\\s+")));
        int maxPriority = DEFAULT_MAX_PRIORITY;
        boolean admin = false;
        while (words.size() > 1) {
            String last = words.get(words.size() - 1);
            java.util.regex.Matcher limited = MAX_PRIORITY.matcher(last);
            if (last.equals("admin")) {
                admin = true;
            } else if (limited.matches()) {
                maxPriority = Integer.parseInt(limited.group(1));
            } else {
                break;
            }
            words.remove(words.size() - 1);
        }
        return new Grant(String.join(" ", words), maxPriority, admin);
    }

    private Map<String, Grant> parse(List<String> lines) {
        Map<String, Grant> owners = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            String[] parts = line.split("\\s+", 2);
            if (parts.length < 2) {
                log.warn("{}:{}: a key without an owner's name is ignored (write: KEY OWNER)", file, i + 1);
                continue;
            }
            owners.put(parts[0], parseGrant(parts[1].strip()));
        }
        return Map.copyOf(owners);
    }
}
