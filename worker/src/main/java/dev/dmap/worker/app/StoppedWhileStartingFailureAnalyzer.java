package dev.dmap.worker.app;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Ctrl-C or SIGTERM while the worker is starting interrupts the start-up
 * ({@link WorkerApplication#main}): one short report says so, instead of a stack trace.
 */
class StoppedWhileStartingFailureAnalyzer extends AbstractFailureAnalyzer<InterruptedException> {
    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InterruptedException cause) {
        return new FailureAnalysis("The worker was stopped (Ctrl-C or SIGTERM) while it was starting.",
                "None: start it again when you want it to work.", null);
    }
}
