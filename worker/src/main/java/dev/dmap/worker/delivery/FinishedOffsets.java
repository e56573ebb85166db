package dev.dmap.worker.delivery;

import java.util.Base64;
import java.util.BitSet;
import java.util.NavigableSet;
import java.util.TreeSet;

/**
 * The commit metadata that makes exactly-once hold when requests finish out of order: the
 * offsets above a partition's committed offset that already have their terminal record,
 * committed in the same transaction as those records. The committed offset itself is the
 * lowest unfinished one, so without this a new owner (after a rebalance or a crash) would serve
 * the finished requests above it a second time. Parallel Consumer carries the same set in the
 * same place.
 *
 * <p>Format: {@code dmap1:} then the base64 (URL-safe, unpadded) of a bitmap whose bit {@code i}
 * is set when offset {@code committed + 1 + i} is finished. Kafka caps commit metadata at the
 * broker's {@code offset.metadata.max.bytes} (4,096 by default); a bitmap spanning at most
 * {@link #MAX_SPAN} offsets encodes in at most {@value #MAX_ENCODED_LENGTH} characters, and the
 * poll loop pauses a partition before its unfinished span grows past that.
 */
public final class FinishedOffsets {
    /** The widest range, from the committed offset up, that one commit can describe. */
    public static final int MAX_SPAN = 16_384;
    public static final int MAX_ENCODED_LENGTH = 6 + (MAX_SPAN / 8 * 4 + 2) / 3;
    private static final String PREFIX = "dmap1:";

    private FinishedOffsets() {
    }

    /** The metadata for a commit at {@code committed} with {@code finished} above it (offsets below are ignored). */
    public static String encode(long committed, NavigableSet<Long> finished) {
        NavigableSet<Long> above = finished.tailSet(committed, false);
        if (above.isEmpty()) {
            return "";
        }
        long span = above.last() - committed;
        if (span > MAX_SPAN) {
            throw new IllegalStateException("finished offsets span " + span + " offsets above " + committed
                    + ", more than one commit can carry (" + MAX_SPAN + ")");
        }
        BitSet bits = new BitSet((int) span);
        above.forEach(offset -> bits.set((int) (offset - committed - 1)));
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(bits.toByteArray());
    }

    /** The finished offsets above {@code committed} that {@code metadata} names; empty for metadata not ours. */
    public static NavigableSet<Long> decode(long committed, String metadata) {
        NavigableSet<Long> finished = new TreeSet<>();
        if (metadata == null || !metadata.startsWith(PREFIX)) {
            return finished;
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(metadata.substring(PREFIX.length()));
        } catch (IllegalArgumentException e) {
            return finished;
        }
        BitSet bits = BitSet.valueOf(bytes);
        for (int i = bits.nextSetBit(0); i >= 0; i = bits.nextSetBit(i + 1)) {
            finished.add(committed + 1 + i);
        }
        return finished;
    }
}
