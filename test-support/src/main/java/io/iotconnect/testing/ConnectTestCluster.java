package io.iotconnect.testing;

import org.apache.kafka.connect.runtime.WorkerConfig;
import org.apache.kafka.connect.runtime.distributed.DistributedConfig;
import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;

import java.util.HashMap;
import java.util.Map;

/**
 * The embedded Kafka Connect cluster the integration tests run on: one KRaft broker and real distributed workers
 * that find plugins through {@code META-INF/services} only ({@code plugin.discovery=hybrid_fail}, so a plugin without
 * its service entry fails the test), with quick rebalancing so a stopped worker's tasks move within seconds.
 */
public final class ConnectTestCluster {

    private ConnectTestCluster() {
    }

    public static EmbeddedConnectCluster start(String name, int workers) {
        return start(name, workers, Map.of());
    }

    public static EmbeddedConnectCluster start(String name, int workers, Map<String, String> extraWorkerProps) {
        Map<String, String> workerProps = new HashMap<>();
        workerProps.put(WorkerConfig.PLUGIN_DISCOVERY_CONFIG, "hybrid_fail");
        workerProps.put("listeners", "http://127.0.0.1:0");
        workerProps.put(WorkerConfig.OFFSET_COMMIT_INTERVAL_MS_CONFIG, "1000");
        workerProps.put(DistributedConfig.SCHEDULED_REBALANCE_MAX_DELAY_MS_CONFIG, "3000");
        workerProps.putAll(extraWorkerProps);
        EmbeddedConnectCluster cluster = new EmbeddedConnectCluster.Builder()
                .name(name)
                .numWorkers(workers)
                .numBrokers(1)
                .workerProps(workerProps)
                .build();
        cluster.start();
        return cluster;
    }
}
