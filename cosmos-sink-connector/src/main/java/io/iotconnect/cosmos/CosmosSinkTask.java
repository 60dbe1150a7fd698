package io.iotconnect.cosmos;

import com.azure.cosmos.CosmosAsyncClient;
import io.iotconnect.common.config.PluginVersion;
import io.iotconnect.cosmos.client.CosmosClients;
import io.iotconnect.cosmos.config.CosmosSinkConfig;
import io.iotconnect.cosmos.mapping.DocumentMapper;
import io.iotconnect.cosmos.mapping.IdResolver;
import io.iotconnect.cosmos.writer.CosmosWriter;
import io.iotconnect.cosmos.writer.WriteSettings;
import io.iotconnect.cosmos.writer.WriterMetrics;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;

/**
 * Writes each {@code put()} batch to Cosmos DB before returning, so Connect commits offsets only for records that
 * are written or in the dead letter queue.
 */
public class CosmosSinkTask extends SinkTask {

    private static final Logger log = LoggerFactory.getLogger(CosmosSinkTask.class);

    /** How soon Connect delivers a batch again after the retry budget was spent. */
    static final Duration REDELIVERY_DELAY = Duration.ofSeconds(1);

    private CosmosAsyncClient client;
    private CosmosWriter writer;

    @Override
    public String version() {
        return PluginVersion.of(CosmosSinkTask.class);
    }

    @Override
    public void start(Map<String, String> props) {
        CosmosSinkConfig config = new CosmosSinkConfig(props);
        client = CosmosClients.client(config);
        ErrantRecordReporter reporter = context.errantRecordReporter();
        writer = new CosmosWriter(CosmosClients.containers(client, config), new DocumentMapper(config.headersProperty(), config.documentFieldNames()),
                new IdResolver(config.idStrategy(), config.idField(), config.idTemplate()), WriteSettings.from(config), reporter,
                new WriterMetrics(context.pluginMetrics()));
        log.info("Cosmos DB sink task started: database '{}', containers {}, {} ids, {} writes, retry budget {} ms up to {} "
                        + "times in a row, dead letter queue {}", config.database(), config.containersByTopic(), config.idStrategy(),
                config.writeStrategy(), config.retryBudget().toMillis(), config.retryBudgetExhaustedMax(),
                reporter == null ? "off" : "on");
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        try {
            writer.write(records);
        } catch (RetriableException e) {
            // Without a timeout Connect waits for the next offset commit (offset.flush.interval.ms, 60 s by default)
            // before it delivers the batch again; the writer has already backed off within its budget.
            context.timeout(REDELIVERY_DELAY.toMillis());
            throw e;
        }
    }

    @Override
    public void stop() {
        if (client != null) {
            client.close();
        }
    }
}
