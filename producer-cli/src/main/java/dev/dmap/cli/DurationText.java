package dev.dmap.cli;

import java.time.Duration;

/** Durations as a user wrote them: {@code 15s}, {@code 2m}, {@code 1500ms}. */
final class DurationText {
    private DurationText() {
    }

    static String of(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }
}
