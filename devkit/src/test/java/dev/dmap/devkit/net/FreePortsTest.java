package dev.dmap.devkit.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void shouldGiveDistinctBindablePortsBelowTheEphemeralRange() throws Exception {
        Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
        int ephemeralLow = Files.exists(range) ? Integer.parseInt(Files.readAllLines(range).get(0).trim().split("\\s+")[0]) : 32_768;
        Set<Integer> ports = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertThat(port).isBetween(1_024, ephemeralLow - 1);
            ports.add(port);
        }
        assertThat(ports).hasSize(50);
        try (ServerSocket socket = new ServerSocket(FreePorts.next())) {
            assertThat(socket.isBound()).isTrue();
        }
    }

    @Test
    void shouldSkipAPortInUse() throws Exception {
        int first = FreePorts.next();
        try (ServerSocket taken = new ServerSocket(first)) {
            for (int i = 0; i < 100; i++) {
                assertThat(FreePorts.next()).isNotEqualTo(first);
            }
        }
    }
}
