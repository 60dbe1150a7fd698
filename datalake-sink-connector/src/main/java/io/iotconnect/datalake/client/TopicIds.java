package io.iotconnect.datalake.client;

import java.util.Collection;
import java.util.Map;

/**
 * The ids of Kafka topics. A topic deleted and created again keeps its name and gets a new id, and its offsets start
 * over; the id is what tells the lake's state of the old topic from the new one. Connect does not give a sink task
 * topic ids, so they are read with an admin client of the connector's own ({@link AdminTopicIds}), when configured.
 */
public interface TopicIds extends AutoCloseable {

    /** No ids: the connector was not given a way to read them. */
    TopicIds NONE = topics -> Map.of();

    /**
     * The ids of these topics, as strings.
     *
     * @throws org.apache.kafka.connect.errors.ConnectException when they cannot be read
     */
    Map<String, String> of(Collection<String> topics);

    @Override
    default void close() {
    }
}
