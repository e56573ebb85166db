package dev.dmap.devkit.emulator;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses and prints byte sizes such as {@code 4.7GB} or {@code 84MB}.
 *
 * <p>Units are decimal (1 KB = 1,000 bytes, 1 GB = 10^9 bytes), because model files are
 * sized that way on model hubs and in LM Studio's own listings ({@code "Size: 4.68 GB"}).
 */
final class ByteSize {
    private static final Pattern SIZE = Pattern.compile("(?i)\\s*(\\d+(?:\\.\\d+)?)\\s*(B|KB|MB|GB|TB)?\\s*");

    private ByteSize() {
    }

    /**
     * Parses {@code <number>[B|KB|MB|GB|TB]} (case-insensitive; no unit means bytes).
     *
     * @throws IllegalArgumentException when the text is not a size
     */
    static long parse(String text) {
        Matcher m = SIZE.matcher(text == null ? "" : text);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a size: '" + text + "' (expected e.g. 4.7GB, 84MB, 1024B)");
        }
        double number = Double.parseDouble(m.group(1));
        String unit = m.group(2) == null ? "B" : m.group(2).toUpperCase(Locale.ROOT);
        return Math.round(number * multiplier(unit));
    }

    /** Parses a speed such as {@code 1.5GB/s} into bytes per second; the {@code /s} is optional. */
    static double parseRate(String text) {
        String trimmed = text == null ? "" : text.trim();
        if (trimmed.toLowerCase(Locale.ROOT).endsWith("/s")) {
            trimmed = trimmed.substring(0, trimmed.length() - 2);
        }
        return parse(trimmed);
    }

    /** Formats with two decimals in the largest unit that keeps the number at least 1, e.g. {@code 4.68 GB}. */
    static String format(long bytes) {
        String[] units = {"B", "KB", "MB", "GB", "TB"};
        double value = bytes;
        int unit = 0;
        while (value >= 1000 && unit < units.length - 1) {
            value /= 1000;
            unit++;
        }
        return unit == 0 ? bytes + " B" : String.format(Locale.ROOT, "%.2f %s", value, units[unit]);
    }

    private static double multiplier(String unit) {
        return switch (unit) {
            case "KB" -> 1e3;
            case "MB" -> 1e6;
            case "GB" -> 1e9;
            case "TB" -> 1e12;
            default -> 1;
        };
    }
}
