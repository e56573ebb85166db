package dev.dmap.gateway;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param dataDir       where files and the gateway's batch records live
 * @param apiKeysFile   the operator's keys file ({@code KEY OWNER} per line), or null: anonymous, on loopback only
 * @param fileRetention how long a file lives when nobody set its expiry (uploads, and outputs without
 *                      {@code output_expires_after})
 * @param maxFileSize   the largest upload the gateway takes, in bytes
 * @param maxRequestsPerClient requests of one client address in progress at once; 0 for no limit
 * @param maxBatchLines the most lines a batch's input file may have
 * @param maxModelsPerBatch the most distinct models a batch may name
 * @param allowedModels the operator's list of models a batch may name; empty: those the fleet's workers serve
 * @param ownerQuota    how many files and bytes one owner may keep
 */
public record GatewaySettings(Path dataDir, Path apiKeysFile, Duration fileRetention, long maxFileSize, int maxRequestsPerClient,
        int maxBatchLines, int maxModelsPerBatch, java.util.Set<String> allowedModels, Quota ownerQuota) {

    /**
     * What one owner may keep in the store: uploads beyond it are refused (outputs the gateway writes count,
     * and are never refused).
     *
     * @param files the most files
     * @param bytes the most bytes
     */
    public record Quota(long files, long bytes) {
        /** 10,000 files and 100 GB: OpenAI's storage limit per organization. */
        public static final Quota DEFAULT = new Quota(10_000, 100L * 1024 * 1024 * 1024);

        /** Why one more file of {@code adding} bytes does not fit beside what an owner keeps; empty when it fits. */
        public java.util.Optional<String> refusal(long filesKept, long bytesKept, long adding) {
            if (filesKept + 1 <= files && bytesKept + adding <= bytes) {
                return java.util.Optional.empty();
            }
            return java.util.Optional.of("This owner keeps " + filesKept + " files of " + bytesKept + " bytes; the quota is " + files
                    + " files and " + bytes + " bytes. Delete files to make room.");
        }
    }
    /** The default of {@code maxRequestsPerClient}: generous for an SDK's concurrency, far below the server's 200 threads. */
    public static final int DEFAULT_MAX_REQUESTS_PER_CLIENT = 32;
    /** The largest body of a call other than an upload (a batch's creation is a few hundred bytes). */
    public static final long MAX_JSON_BYTES = 1024 * 1024;
    /** What a multipart upload may add to its file's bytes (boundaries, headers, the purpose field). */
    public static final long MULTIPART_OVERHEAD_BYTES = 64 * 1024;

    /** The largest upload request body: the file and its multipart envelope. */
    public long maxUploadRequestBytes() {
        return maxFileSize + MULTIPART_OVERHEAD_BYTES;
    }
}
