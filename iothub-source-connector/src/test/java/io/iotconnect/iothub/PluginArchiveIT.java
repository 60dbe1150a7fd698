package io.iotconnect.iothub;

import io.iotconnect.testing.Archives;
import io.iotconnect.testing.PluginListing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin archive as a platform team installs it: Confluent Hub layout, the SDK and its AMQP stack inside, no jars
 * the Connect runtime provides, and the connector found by Kafka's own {@code connect-plugin-path list} with its
 * ServiceLoader manifest.
 */
class PluginArchiveIT {

    @Test
    void archiveHasTheComponentLayoutAndEveryPluginHasAManifest() throws IOException {
        Path archive = Path.of(System.getProperty("plugin.archive"));
        Path pluginPath = Files.createTempDirectory("plugin-path-");
        List<String> entries = Archives.unzip(archive, pluginPath);

        String root = archive.getFileName().toString().replace(".zip", "") + "/";
        assertThat(entries).contains(root + "manifest.json", root + "doc/configuration.md", root + "doc/LICENSE");
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/iothub-source-connector-.*\\.jar"));
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/azure-messaging-eventhubs-5\\.21\\.3\\.jar"));
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/proton-j-.*\\.jar"));
        assertThat(entries).as("jars the Connect runtime provides stay out")
                .noneMatch(e -> e.matches(".*/lib/(kafka-clients|connect-api|connect-json|connect-runtime|slf4j-api)-.*\\.jar"));

        PluginListing listing = PluginListing.of(pluginPath.resolve(root)).assertEveryPluginHasAManifest();
        assertThat(listing.output()).contains("io.iotconnect.iothub.IotHubSourceConnector");
    }
}
