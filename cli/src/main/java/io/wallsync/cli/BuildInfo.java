package io.wallsync.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine;

/**
 * What was built: the project version and the git commit, from {@code build-info.properties}, which
 * {@code scripts/build-info.sh} writes at build time (commit = short hash, {@code -dirty} when
 * tracked files differed from it, {@code unknown} outside a git work tree). Either value is
 * {@code unknown} when the resource is missing (classes run without the Maven build).
 */
record BuildInfo(String version, String commit) {
    static final String RESOURCE = "build-info.properties";
    static final String UNKNOWN = "unknown";

    /** The values in {@code properties}; a missing or blank value is {@code unknown}. */
    static BuildInfo of(Properties properties) {
        return new BuildInfo(value(properties, "version"), value(properties, "commit"));
    }

    /** The build info of this copy of wallsync. */
    static BuildInfo current() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream(RESOURCE)) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE + " from the wallsync jar", e);
        }
        return of(p);
    }

    private static String value(Properties p, String key) {
        String v = p.getProperty(key);
        return v == null || v.isBlank() ? UNKNOWN : v.strip();
    }

    /** The lines of {@code wallsync --version}. */
    String[] versionLines() {
        return new String[] {
            "wallsync " + version + " (commit " + commit + ")",
            "Java " + Runtime.version() + " (" + System.getProperty("java.vendor", UNKNOWN) + "), "
                    + System.getProperty("java.home", UNKNOWN)
        };
    }

    /** picocli's version provider for the root command. */
    static final class Provider implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return current().versionLines();
        }
    }
}
