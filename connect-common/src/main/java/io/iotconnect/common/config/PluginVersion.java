package io.iotconnect.common.config;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Reads a plugin's version from the Maven-filtered {@code version.properties} beside a class of the plugin. */
public final class PluginVersion {

    private PluginVersion() {
    }

    public static String of(Class<?> anchor) {
        try (InputStream in = anchor.getResourceAsStream("version.properties")) {
            if (in == null) {
                return "unknown";
            }
            Properties properties = new Properties();
            properties.load(in);
            return properties.getProperty("version", "unknown").trim();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read version.properties beside " + anchor.getName(), e);
        }
    }
}
