package dev.dmap.devkit.broker;

import java.io.IOException;

/** POSIX signals the JDK cannot send (STOP and CONT, to freeze and thaw a process), through the system's {@code kill}. */
public final class Signals {
    private Signals() {
    }

    /** Sends {@code signal} (a name such as {@code STOP}, {@code CONT}, {@code KILL}) to process {@code pid}. */
    public static void send(String signal, long pid) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, String.valueOf(pid)).redirectErrorStream(true).start();
        String output = new String(kill.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
        if (kill.waitFor() != 0) {
            throw new IOException("kill -" + signal + " " + pid + " failed: " + output);
        }
    }
}
