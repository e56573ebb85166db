package dev.dmap.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One benchmark's section of docs/benchmarks.md, between its {@code <!-- name:start -->} and
 * {@code <!-- name:end -->} markers: writing it replaces that section (or appends it) and keeps
 * everything else.
 */
record ReportSection(String name) {
    private static final String NEW_FILE = "# Benchmarks\n\nEvery figure here was measured on the machine named in its "
            + "section; the commands reproduce them. Timing goals live here, never in tests.\n\n";

    String start() {
        return "<!-- " + name + ":start -->";
    }

    String end() {
        return "<!-- " + name + ":end -->";
    }

    /** Writes {@code body} (the text between the markers) into {@code file}. */
    void write(Path file, String body) throws IOException {
        String section = start() + "\n" + body.stripTrailing() + "\n" + end() + "\n";
        String existing = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : NEW_FILE;
        int from = existing.indexOf(start());
        int to = existing.indexOf(end());
        String updated = from >= 0 && to > from
                ? existing.substring(0, from) + section + existing.substring(Math.min(existing.length(), to + end().length() + 1))
                : existing.stripTrailing() + "\n\n" + section;
        Files.writeString(file, updated, StandardCharsets.UTF_8);
    }
}
