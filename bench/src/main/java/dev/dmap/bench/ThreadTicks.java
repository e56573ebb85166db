package dev.dmap.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The CPU time of each thread of a process, from Linux's {@code /proc/<pid>/task/<tid>/stat}
 * (user and system clock ticks), summed by thread name: where a process's CPU goes. Empty where
 * there is no {@code /proc}.
 */
final class ThreadTicks {
    /** Linux's clock ticks per second for these counters (USER_HZ, 100 on every common platform). */
    static final int TICKS_PER_SECOND = 100;

    private ThreadTicks() {
    }

    /** Clock ticks so far by thread name (threads of one name added up). */
    static Map<String, Long> of(long pid) {
        Map<String, Long> ticks = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", String.valueOf(pid), "task"))) {
            tasks.forEach(task -> {
                try {
                    String stat = Files.readString(task.resolve("stat"));
                    String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    // after the name: state is field 3 of stat(5), utime 14 and stime 15
                    ticks.merge(name.replaceAll("\\d+", "N"), Long.parseLong(fields[11]) + Long.parseLong(fields[12]), Long::sum);
                } catch (IOException | RuntimeException e) {
                    // a thread that ended meanwhile
                }
            });
        } catch (IOException e) {
            return Map.of();
        }
        return ticks;
    }

    /** The {@code top} names that used the most CPU between two readings, busiest first. */
    static Map<String, Duration> busiest(Map<String, Long> before, Map<String, Long> after, int top) {
        Map<String, Duration> used = new LinkedHashMap<>();
        after.entrySet().stream()
                .map(entry -> Map.entry(entry.getKey(), entry.getValue() - before.getOrDefault(entry.getKey(), 0L)))
                .filter(entry -> entry.getValue() > 0)
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed()).limit(top)
                .forEach(entry -> used.put(entry.getKey(), Duration.ofMillis(entry.getValue() * 1000 / TICKS_PER_SECOND)));
        return used;
    }
}
