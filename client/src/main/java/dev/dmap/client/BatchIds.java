package dev.dmap.client;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Batch ids: {@code batch_<UTC date-time>_<24 random hex>}, sortable by time, and with 96 random bits
 * never the same for two batches (the gateway's owners' batches share one id space); or the user's own.
 */
public final class BatchIds {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss").withZone(ZoneOffset.UTC);
    /** Longest batch id, in characters. */
    public static final int MAX_LENGTH = 200;
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._:-]{1," + MAX_LENGTH + "}");
    private static final SecureRandom RANDOM = new SecureRandom();
    /** 96 bits: a collision is not to be expected in the life of any deployment. */
    private static final int RANDOM_BYTES = 12;

    private BatchIds() {
    }

    public static String generate(Clock clock) {
        byte[] random = new byte[RANDOM_BYTES];
        RANDOM.nextBytes(random);
        return "batch_" + STAMP.format(clock.instant()) + "_" + HexFormat.of().formatHex(random);
    }

    /** {@code batchId} when it is a valid batch id, else {@link ClientException.InvalidInput}. */
    public static String require(String batchId) {
        if (!VALID.matcher(batchId).matches()) {
            throw new ClientException.InvalidInput(
                    "batch id \"" + batchId + "\" must be 1 to 200 characters from [A-Za-z0-9._:-]");
        }
        return batchId;
    }
}
