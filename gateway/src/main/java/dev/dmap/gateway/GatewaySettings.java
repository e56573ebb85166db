package dev.dmap.gateway;

import java.nio.file.Path;
import java.time.Duration;

/**
 * @param dataDir       where files and the gateway's batch records live
 * @param apiKeysFile   the operator's keys file ({@code KEY OWNER} per line)
 * @param fileRetention how long a file lives when nobody set its expiry (uploads, and outputs without
 *                      {@code output_expires_after})
 * @param maxFileSize   the largest upload the gateway takes, in bytes
 */
public record GatewaySettings(Path dataDir, Path apiKeysFile, Duration fileRetention, long maxFileSize) {
}
