package dev.dmap.schemas;

import java.util.Arrays;

/** OpenAI's batch statuses; the wire form is the lower-case name. */
public enum BatchStatus {
    VALIDATING, FAILED, IN_PROGRESS, FINALIZING, COMPLETED, EXPIRED, CANCELLING, CANCELLED;

    /** Whether a batch in this status has ended. */
    public boolean isTerminal() {
        return this == FAILED || this == COMPLETED || this == EXPIRED || this == CANCELLED;
    }

    public String wire() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    public static BatchStatus fromWire(String wire) {
        return Arrays.stream(values()).filter(s -> s.wire().equals(wire)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown batch status: " + wire));
    }
}
