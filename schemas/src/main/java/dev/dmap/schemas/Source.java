package dev.dmap.schemas;

/**
 * Where a dead letter's original record was read.
 *
 * @param topic     topic name
 * @param partition partition number
 * @param offset    offset within the partition
 */
public record Source(String topic, int partition, long offset) {
    @Override
    public String toString() {
        return topic + "-" + partition + "@" + offset;
    }
}
