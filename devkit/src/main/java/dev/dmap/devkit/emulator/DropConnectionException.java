package dev.dmap.devkit.emulator;

/** Tells the router to close the connection without any response (an injected drop). */
final class DropConnectionException extends RuntimeException {
    DropConnectionException() {
        super("connection dropped (emulated fault)", null, false, false);
    }
}
