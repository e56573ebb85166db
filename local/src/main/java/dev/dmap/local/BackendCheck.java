package dev.dmap.local;

import dev.dmap.cli.CliException;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.worker.backend.BackendFailure;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.config.BackendSettings;
import java.net.URI;
import java.time.Clock;

/** Makes sure a real inference server answers before {@code dmap run} starts anything. */
final class BackendCheck {
    private BackendCheck() {
    }

    static ModelListing require(URI url, String apiKey) {
        BackendSettings settings = BackendSettings.defaults(url).withApiKey(apiKey);
        try {
            return Backends.connect(settings, Clock.systemUTC()).listModels();
        } catch (BackendFailure e) {
            throw new CliException(ExitCodes.UNREACHABLE, String.join(System.lineSeparator(),
                    "No inference server answers at " + url + " (" + e.getMessage() + ").",
                    "  LM Studio: in the Developer tab switch \"Status: Running\" on, or run `lms server start --port "
                            + url.getPort() + "`.",
                    "  llama.cpp: `./dmap real-engine` runs a real llama-server with tiny models on port 8080.",
                    "  Elsewhere? pass --backend-url http://HOST:PORT.",
                    "  Nothing here? try dmap with the built-in LM Studio emulator: add --sim."));
        }
    }

}
