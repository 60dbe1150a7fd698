package io.iotconnect.testing;

import org.apache.kafka.connect.util.clusters.EmbeddedConnectCluster;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;

/**
 * The servers an integration test class shares, started once in its {@code @BeforeAll} and stopped after its last
 * test in the reverse order, even when a later one failed to start:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final ClassServers servers = new ClassServers();
 *
 * @BeforeAll
 * static void startServers() {
 *     broker = servers.add(MosquittoBroker.start());
 *     connect = servers.connect("mqtt-it", 2);
 * }
 * }</pre>
 */
public final class ClassServers implements AfterAllCallback {

    private final Deque<AutoCloseable> started = new ArrayDeque<>();

    /** Registers a started server (or client) to be closed after the class's tests; returns it. */
    public <T extends AutoCloseable> T add(T server) {
        started.push(server);
        return server;
    }

    /** Starts the test Connect cluster ({@link ConnectTestCluster}) and registers it. */
    public EmbeddedConnectCluster connect(String name, int workers) {
        return connect(name, workers, Map.of());
    }

    /** Starts the test Connect cluster with extra worker properties and registers it. */
    public EmbeddedConnectCluster connect(String name, int workers, Map<String, String> extraWorkerProps) {
        EmbeddedConnectCluster cluster = ConnectTestCluster.start(name, workers, extraWorkerProps);
        started.push(cluster::stop);
        return cluster;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        Exception first = null;
        while (!started.isEmpty()) {
            try {
                started.pop().close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
