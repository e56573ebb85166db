package dev.dmap.worker.it;

import dev.dmap.devkit.engine.LlamaServer;
import dev.dmap.schemas.testing.ForeignClients;

/**
 * Tests against the real llama-server run where {@code engines/llama-server/setup.sh} installed it.
 * A developer without it gets a skip that says how to install it; in CI ({@code .ci/run} installs it
 * and sets {@code DMAP_REQUIRE_REAL_ENGINE=true}) a missing engine fails.
 */
final class RealEngine {
    private RealEngine() {
    }

    static void require() {
        ForeignClients.require(LlamaServer.installed(), LlamaServer.REQUIRED_BY, LlamaServer.installHint());
    }
}
