package dev.dmap.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** {@code --version} of every command: the project version Maven wrote into {@code version.properties}. */
public final class CliVersion implements IVersionProvider {
    @Override
    public String[] getVersion() {
        return new String[] {"dmap " + version()};
    }

    static String version() {
        Properties properties = new Properties();
        try (InputStream in = CliVersion.class.getResourceAsStream("version.properties")) {
            if (in != null) {
                properties.load(in);
            }
        } catch (IOException e) {
            return "(unknown version)";
        }
        return properties.getProperty("version", "(unknown version)");
    }
}
