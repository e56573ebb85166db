package dev.dmap.gateway.online;

import dev.dmap.client.FleetModels;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The models the fleet serves, as last read ({@link FleetModels}): read again at most every few
 * seconds, in the background, so that a call never waits for a scan of the workers topic.
 */
public final class FleetView {
    private final Supplier<Optional<Set<String>>> source;
    private volatile Optional<Set<String>> served = Optional.empty();

    public FleetView(Supplier<Optional<Set<String>>> source) {
        this.source = source;
    }

    /** Reads the fleet again; a failure keeps what was known (the next refresh tries again). */
    public void refresh() {
        try {
            served = source.get();
        } catch (RuntimeException e) {
            // Kafka away: the last view stands
        }
    }

    /** The models live workers serve; empty while no live worker has said. */
    public Optional<Set<String>> served() {
        return served;
    }

    /** False only when the fleet is known and does not serve the model. */
    public boolean mayServe(String model) {
        return served.map(models -> models.contains(model)).orElse(true);
    }
}
