package dev.dmap.client;

import java.time.Duration;
import java.util.Locale;

/** Durations as people write them: {@code 90s}, {@code 30m}, {@code 2h}, {@code 1d} or ISO-8601 ({@code PT30M}). */
public final class Durations {
    private Durations() {
    }

    /** The duration {@code value} names; an {@link IllegalArgumentException} saying what is accepted otherwise. */
    public static Duration parse(String value) {
        String text = value.trim().toLowerCase(Locale.ROOT);
        try {
            if (text.startsWith("p")) {
                return Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            }
            long amount = Long.parseLong(text.substring(0, text.length() - 1));
            return switch (text.charAt(text.length() - 1)) {
                case 's' -> Duration.ofSeconds(amount);
                case 'm' -> Duration.ofMinutes(amount);
                case 'h' -> Duration.ofHours(amount);
                case 'd' -> Duration.ofDays(amount);
                default -> throw new IllegalArgumentException("unknown unit");
            };
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a duration: " + value + " (try 90s, 30m, 2h, 1d or PT30M)", e);
        }
    }

    /** {@code duration} as a person would write it: {@code 15s}, {@code 2m}, {@code 1500ms}. */
    public static String text(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 60_000 == 0 && millis > 0) {
            return millis / 60_000 + "m";
        }
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** {@code duration} rounded for a person to read at a glance: {@code 850 ms}, {@code 4.2 s}, {@code 3 m 12 s}, {@code 2 h 5 m}. */
    public static String readable(Duration duration) {
        long millis = duration.toMillis();
        if (millis < 1000) {
            return millis + " ms";
        }
        if (millis < 60_000) {
            return String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000.0);
        }
        long seconds = duration.toSeconds();
        return seconds < 3600 ? seconds / 60 + " m " + seconds % 60 + " s" : seconds / 3600 + " h " + seconds % 3600 / 60 + " m";
    }
}
