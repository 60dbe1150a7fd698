package io.iotconnect.testing;

import org.apache.kafka.tools.ConnectPluginPath;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What Kafka's own {@code connect-plugin-path list --plugin-location <dir>} reports for an unzipped plugin. The tool
 * exits 0 even when plugins lack their ServiceLoader manifest, so callers compare {@link #compatible()} with
 * {@link #total()}.
 */
public record PluginListing(String output, int total, int compatible) {

    private static final Pattern TOTAL = Pattern.compile("Total plugins:\\s+(\\d+)");
    private static final Pattern COMPATIBLE = Pattern.compile("Compatible plugins:\\s+(\\d+)");

    public static PluginListing of(Path pluginLocation) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ConnectPluginPath.mainNoExit(new String[] {"list", "--plugin-location", pluginLocation.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String listing = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("connect-plugin-path: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        return new PluginListing(listing, count(TOTAL, listing), count(COMPATIBLE, listing));
    }

    /** Asserts that plugins were found and every one has its manifest. */
    public PluginListing assertEveryPluginHasAManifest() {
        assertThat(total).as("plugins found\n%s", output).isPositive();
        assertThat(compatible).as("plugins with a ServiceLoader manifest, of %d\n%s", total, output).isEqualTo(total);
        return this;
    }

    private static int count(Pattern pattern, String listing) {
        Matcher matcher = pattern.matcher(listing);
        assertThat(matcher.find()).as("'%s' in\n%s", pattern, listing).isTrue();
        return Integer.parseInt(matcher.group(1));
    }
}
