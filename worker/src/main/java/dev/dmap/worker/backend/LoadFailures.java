package dev.dmap.worker.backend;

import dev.dmap.schemas.ErrorCode;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The models whose load failed recently, remembered for {@code dmap.backend.load-failure-memory}:
 * their requests end as {@code model_load_failed} at once instead of each paying the failed loads
 * again; the first request after the memory runs out tries again. Thread-safe.
 */
final class LoadFailures {
    private static final Logger log = LoggerFactory.getLogger(LoadFailures.class);

    private record FailedLoad(Instant at, Instant retryAt, String reason) {
    }

    private final Duration memory;
    private final Clock clock;
    private final Map<String, FailedLoad> failed = new ConcurrentHashMap<>();

    LoadFailures(Duration memory, Clock clock) {
        this.memory = memory;
        this.clock = clock;
    }

    /** A request's retries of loading {@code model} are spent. */
    void remember(String model, String reason) {
        if (memory.isZero()) {
            return;
        }
        Instant now = clock.instant();
        if (failed.put(model, new FailedLoad(now, now.plus(memory), reason)) == null) {
            log.warn("Model {} cannot be loaded ({}); its requests end as model_load_failed until {}", model, reason,
                    now.plus(memory));
        }
    }

    /** @throws PermanentFailure {@code model_load_failed} while a failed load of {@code model} is remembered */
    void check(String model) {
        FailedLoad last = failed.get(model);
        if (last == null) {
            return;
        }
        if (clock.instant().isBefore(last.retryAt())) {
            throw new PermanentFailure(ErrorCode.MODEL_LOAD_FAILED, "loading " + model + " failed at " + last.at()
                    + " (" + last.reason() + "); it is not tried again before " + last.retryAt(), null);
        }
        failed.remove(model, last);
    }

    /** The models whose failed load is remembered now, with why and until when: for health details. */
    Map<String, String> now() {
        Instant now = clock.instant();
        Map<String, String> failing = new TreeMap<>();
        failed.forEach((model, last) -> {
            if (now.isBefore(last.retryAt())) {
                failing.put(model, last.reason() + " (until " + last.retryAt() + ")");
            }
        });
        return failing;
    }
}
