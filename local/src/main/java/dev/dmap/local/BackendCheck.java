package dev.dmap.local;

import dev.dmap.cli.CliException;
import dev.dmap.schemas.ExitCodes;
import dev.dmap.worker.backend.BackendFailure;
import dev.dmap.worker.backend.Backends;
import dev.dmap.worker.backend.ModelListing;
import dev.dmap.worker.config.BackendSettings;
import java.net.URI;
import java.time.Clock;

/** Makes sure a real LM Studio answers before {@code dmap run} starts anything. */
final class BackendCheck {
    private BackendCheck() {
    }

    static ModelListing requireLmStudio(URI url, String apiKey) {
        BackendSettings settings = BackendSettings.defaults(url).withApiKey(apiKey);
        try {
            return Backends.connect(settings, Clock.systemUTC()).listModels();
        } catch (BackendFailure e) {
            throw new CliException(ExitCodes.UNREACHABLE, String.join(System.lineSeparator(),
                    "LM Studio is not reachable at " + url + " (" + e.getMessage() + ").",
                    "  Start its server: in LM Studio open the Developer tab and switch \"Status: Running\" on,",
                    "  or run `lms server start --port " + url.getPort() + "` (LM Studio 0.3.6 or later).",
                    "  Elsewhere? pass --lmstudio-url http://HOST:PORT.",
                    "  No LM Studio here? try dmap with the built-in emulator: add --sim."));
        }
    }

}
