package io.iotconnect.mqtt;

import io.iotconnect.testing.Archives;
import org.apache.kafka.tools.ConnectPluginPath;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin archive as a platform team installs it: Confluent Hub layout, no jars the Connect runtime provides, and
 * every plugin found by Kafka's own {@code connect-plugin-path list} with its ServiceLoader manifest.
 */
class PluginArchiveIT {

    private static final Pattern TOTAL = Pattern.compile("Total plugins:\\s+(\\d+)");
    private static final Pattern COMPATIBLE = Pattern.compile("Compatible plugins:\\s+(\\d+)");

    @Test
    void archiveHasTheComponentLayoutAndEveryPluginHasAManifest() throws IOException {
        Path archive = Path.of(System.getProperty("plugin.archive"));
        Path pluginPath = Files.createTempDirectory("plugin-path-");
        List<String> entries = Archives.unzip(archive, pluginPath);

        String root = archive.getFileName().toString().replace(".zip", "") + "/";
        assertThat(entries).contains(root + "manifest.json", root + "doc/configuration.md", root + "doc/LICENSE");
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/mqtt-source-connector-.*\\.jar"));
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/org\\.eclipse\\.paho\\.mqttv5\\.client-.*\\.jar"));
        assertThat(entries).as("jars the Connect runtime provides stay out")
                .noneMatch(e -> e.matches(".*/lib/(kafka-clients|connect-api|connect-json|connect-runtime|slf4j-api)-.*\\.jar"));

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int exit = ConnectPluginPath.mainNoExit(new String[] {"list", "--plugin-location", pluginPath.resolve(root).toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        String listing = out.toString(StandardCharsets.UTF_8);
        assertThat(exit).as("connect-plugin-path: %s", err.toString(StandardCharsets.UTF_8)).isZero();
        assertThat(listing).contains("io.iotconnect.mqtt.MqttSourceConnector");

        int total = count(TOTAL, listing);
        int compatible = count(COMPATIBLE, listing);
        assertThat(total).as("plugins found\n%s", listing).isPositive();
        assertThat(compatible).as("plugins with a ServiceLoader manifest, of %d\n%s", total, listing).isEqualTo(total);
    }

    private static int count(Pattern pattern, String listing) {
        Matcher matcher = pattern.matcher(listing);
        assertThat(matcher.find()).as("'%s' in\n%s", pattern, listing).isTrue();
        return Integer.parseInt(matcher.group(1));
    }
}
