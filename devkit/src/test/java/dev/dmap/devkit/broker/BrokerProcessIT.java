package dev.dmap.devkit.broker;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.dmap.devkit.net.FreePorts;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BrokerProcessIT {

    @Test
    void shouldFailSayingWhyWhenItsPortIsTaken(@TempDir Path dir) throws Exception {
        try (ServerSocket taken = new ServerSocket(FreePorts.next())) {
            assertThatThrownBy(() -> BrokerProcess.start(taken.getLocalPort(), FreePorts.next(), dir.resolve("data"), dir.resolve("broker.log")))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("the broker on port " + taken.getLocalPort() + " did not start (the broker exited)")
                    .hasMessageContaining("Address already in use");
        }
    }
}
