package dev.dmap.schemas;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The exit codes of every dmap process: the {@code dmap} commands and the worker. This is their one
 * list; {@code --help} prints {@link #HELP}, and README.md's table shows the same rows.
 */
public final class ExitCodes {
    /** Done: every request has its result or dead letter (failures are in the error file). */
    public static final int OK = 0;
    /** An unexpected error; the message says what. */
    public static final int INTERNAL = 1;
    /** Bad usage or bad input: invalid lines (all listed), an unknown batch, a missing file. */
    public static final int INVALID_INPUT = 2;
    /** Kafka or the backend cannot be reached, or Kafka refuses the credentials. */
    public static final int UNREACHABLE = 3;
    /** The batch completed but not one request succeeded: never to be mistaken for success. */
    public static final int ALL_FAILED = 4;
    /** The wait (--timeout) ended before every request had its terminal record. */
    public static final int TIMED_OUT = 5;
    /** The worker cannot go on (Kafka refused it, a fenced producer, a dead loop): restart it. */
    public static final int WORKER_FAILED = 70;
    /**
     * The gateway cannot go on (it can no longer read batch states): restart it. The worker's value,
     * sysexits' {@code EX_SOFTWARE}, so that one supervisor rule restarts either service.
     */
    public static final int GATEWAY_FAILED = 70;
    /** Interrupted (Ctrl-C). */
    public static final int INTERRUPTED = 130;

    /** Each code with its one-line meaning, in order, as {@code --help} shows them. */
    public static final Map<String, String> HELP = help();

    private ExitCodes() {
    }

    private static Map<String, String> help() {
        Map<String, String> help = new LinkedHashMap<>();
        help.put(code(OK), "done; every request has its result or dead letter");
        help.put(code(INTERNAL), "unexpected error");
        help.put(code(INVALID_INPUT), "bad usage or invalid input (bad lines are listed, the first 10,000 problems)");
        help.put(code(UNREACHABLE), "Kafka or the backend cannot be reached, or Kafka refuses the credentials");
        help.put(code(ALL_FAILED), "the batch completed but no request succeeded");
        help.put(code(TIMED_OUT), "--timeout passed before the batch completed");
        help.put(code(WORKER_FAILED), "the worker (or the gateway) cannot go on (one ERROR line says why); restart it");
        help.put(code(INTERRUPTED), "interrupted");
        return Collections.unmodifiableMap(help);
    }

    private static String code(int code) {
        return "%4d".formatted(code);
    }
}
