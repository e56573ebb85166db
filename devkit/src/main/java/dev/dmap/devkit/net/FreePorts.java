package dev.dmap.devkit.net;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Ports for servers a test or benchmark starts in a moment, or stops and starts again on the same
 * port (a broker restart). They come from below the system's ephemeral range: a port the kernel
 * handed out for {@code bind(0)} lies in the range it also gives outgoing connections, so a client
 * connecting in the seconds before the server binds, or while it is down, can take it, and the
 * server then fails with "Address already in use".
 */
public final class FreePorts {
    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LOWEST = 15_000;
    private static final int ATTEMPTS = 200;
    /** The highest port handed out: the one below the ephemeral range, read once. */
    private static final int HIGHEST = ephemeralLow() - 1;

    /** Where this JVM looks next; random at first so that JVMs starting together seldom try the same ports. */
    private static final AtomicInteger cursor = new AtomicInteger(ThreadLocalRandom.current().nextInt(1 << 20));

    private FreePorts() {
    }

    /** A port free now on every address, that no outgoing connection on this machine will be given. */
    public static int next() {
        if (HIGHEST - LOWEST < ATTEMPTS) {
            return anyFree();
        }
        for (int i = 0; i < ATTEMPTS; i++) {
            int port = LOWEST + Math.floorMod(cursor.getAndIncrement(), HIGHEST - LOWEST + 1);
            if (isFree(port)) {
                return port;
            }
        }
        return anyFree();
    }

    /** The first port of the ephemeral range (Linux's default when it cannot be read). */
    private static int ephemeralLow() {
        try {
            return Integer.parseInt(Files.readAllLines(EPHEMERAL_RANGE).get(0).trim().split("\\s+")[0]); // readString stops early on /proc
        } catch (IOException | RuntimeException e) {
            return 32_768;
        }
    }

    private static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket(port)) { // every address: stricter than loopback alone
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static int anyFree() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
