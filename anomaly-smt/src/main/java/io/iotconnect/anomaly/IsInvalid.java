package io.iotconnect.anomaly;

import io.iotconnect.common.config.PluginVersion;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.transforms.predicates.Predicate;

import java.util.Map;

/** True for readings ValidateReading tagged invalid. */
public final class IsInvalid<R extends ConnectRecord<R>> implements Predicate<R>, Versioned {

    public static final String OVERVIEW_DOC = "A predicate that is true for records ValidateReading tagged invalid "
            + "(on.invalid=tag: they carry a '" + AnomalyHeaders.VALIDATION_ERRORS + "' header). Pair it with Kafka's "
            + "RegexRouter to send invalid readings to a quarantine topic, or with Filter to drop them after counting.";

    public static final ConfigDef CONFIG_DEF = new ConfigDef();

    @Override
    public void configure(Map<String, ?> configs) {
    }

    @Override
    public boolean test(R record) {
        Header errors = record.headers().lastWithName(AnomalyHeaders.VALIDATION_ERRORS);
        return errors != null && errors.value() != null;
    }

    @Override
    public ConfigDef config() {
        return CONFIG_DEF;
    }

    @Override
    public String version() {
        return PluginVersion.of(IsInvalid.class);
    }

    @Override
    public void close() {
    }
}
