package io.iotconnect.iothub.client;

import io.iotconnect.iothub.config.IotHubSourceConfig;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class EventHubClientsTest {

    @Test
    void aConnectionStringTheSdkRefusesIsNamedByItsKeyNeverQuoted() {
        // Valid to the connector's own checks, refused by the SDK's parser, whose message quotes the offending part.
        String secret = "S3cretKeyThatMustNeverBeLogged=";
        String connectionString = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=s;SharedAccessKey=" + secret
                + ";EntityPath=hub;SharedAccessSignature=SharedAccessSignature sr=x&sig=" + secret;
        IotHubSourceConfig config = new IotHubSourceConfig(Map.of(IotHubSourceConfig.CONNECTION_STRING_CONFIG, connectionString,
                IotHubSourceConfig.TOPIC_CONFIG, "telemetry", "name", "hub"));
        ConnectException failure = catchThrowableOfType(ConnectException.class, () -> EventHubClients.eventSource(config));
        assertThat(failure).isNotNull();
        assertThat(failure.getMessage()).startsWith("the Event Hubs SDK refused the connection string in iothub.connection.string (")
                .doesNotContain(secret);
        assertThat(failure.getCause()).as("the SDK's own message stays out of the task's trace").isNull();
    }
}
