package dev.dmap.schemas.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Tests that drive software nobody here wrote (kcat, librdkafka from Python, llama-server) skip when it is not
 * installed, except in CI: .ci/run installs it and sets the variable, so there a missing client fails.
 */
public final class ForeignClients {
    private ForeignClients() {
    }

    /**
     * @param requiredBy the environment variable that makes the client required ({@code true})
     * @param install    what installs it, for the failure message
     */
    public static void require(boolean present, String requiredBy, String install) {
        if (!present && "true".equals(System.getenv(requiredBy))) {
            throw new AssertionError(install + " is required (" + requiredBy + "=true)");
        }
        Assumptions.assumeTrue(present, install + " is not installed");
    }
}
