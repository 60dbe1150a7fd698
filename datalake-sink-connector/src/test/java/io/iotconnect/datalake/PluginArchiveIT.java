package io.iotconnect.datalake;

import io.iotconnect.testing.Archives;
import io.iotconnect.testing.PluginListing;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The sink's archive as a platform team installs it, checked with Kafka's own {@code connect-plugin-path list}. */
class PluginArchiveIT {

    @Test
    void theConnectorIsListedWithItsManifestAndTheSdkIsBundled() throws IOException {
        Path archive = Path.of(System.getProperty("plugin.archive"));
        Path pluginPath = Files.createTempDirectory("plugin-path-");
        List<String> entries = Archives.unzip(archive, pluginPath);

        String root = archive.getFileName().toString().replace(".zip", "") + "/";
        assertThat(entries).contains(root + "manifest.json", root + "doc/configuration.md");
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/datalake-sink-connector-.*\\.jar"));
        assertThat(entries).anyMatch(e -> e.matches(root + "lib/azure-storage-file-datalake-.*\\.jar"));
        assertThat(entries).as("Parquet and the trimmed Hadoop it loads").anyMatch(e -> e.matches(root + "lib/parquet-avro-.*\\.jar"))
                .anyMatch(e -> e.matches(root + "lib/hadoop-common-.*\\.jar"))
                .noneMatch(e -> e.matches(root + "lib/hadoop-(hdfs|yarn|auth)-.*\\.jar"));
        assertThat(entries).as("jars the Connect runtime provides stay out")
                .noneMatch(e -> e.matches(".*/lib/(kafka-clients|connect-api|connect-json|connect-runtime|slf4j-api)-.*\\.jar"));

        PluginListing listing = PluginListing.of(pluginPath.resolve(root)).assertEveryPluginHasAManifest();
        assertThat(listing.output()).contains("io.iotconnect.datalake.DataLakeSinkConnector");
    }
}
