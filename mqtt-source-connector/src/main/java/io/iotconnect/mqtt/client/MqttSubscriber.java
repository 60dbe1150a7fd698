package io.iotconnect.mqtt.client;

import io.iotconnect.mqtt.config.TopicFilter;
import org.apache.kafka.common.utils.ExponentialBackoff;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A durable MQTT subscription for one task: connects, subscribes, hands arriving messages to an {@link InboundQueue}
 * and acknowledges each one only when asked to, that is after Kafka acknowledged its record.
 *
 * <p>It owns reconnection (the Paho clients' own automatic reconnect is off): after a connection loss it retries
 * with exponential back-off and jitter, on a single thread that also serialises every state change. Each connection
 * gets a number; a message remembers the connection it came on, and its acknowledgement is sent only on that same
 * connection. After a reconnect the broker redelivers unacknowledged messages from the persistent session, and
 * packet ids may be reused, so an old acknowledgement on a new connection could acknowledge the wrong message.
 *
 * <p>Subclasses speak one protocol version through one Paho client.
 */
public abstract class MqttSubscriber implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(MqttSubscriber.class);

    /** Broker-facing settings shared by both protocol versions. */
    public record Settings(
            String clientId,
            List<String> serverUris,
            List<TopicFilter> filters,
            int qos,
            boolean cleanStart,
            long sessionExpirySeconds,
            int keepAliveSeconds,
            int connectionTimeoutSeconds,
            int receiveMaximum,
            long maximumPacketSize,
            String username,
            char[] password,
            javax.net.ssl.SSLSocketFactory socketFactory,
            boolean hostnameVerification,
            Duration backoffInitial,
            Duration backoffMax) {
    }

    protected final Settings settings;
    private final InboundQueue queue;
    private final SubscriberEvents events;
    private final ScheduledExecutorService supervisor;
    private final ExponentialBackoff backoff;
    private final AtomicLong connection = new AtomicLong();
    private volatile ConnectionState state = ConnectionState.DISCONNECTED;
    private volatile ConnectException fatal;
    private volatile boolean closed;
    private boolean subscribedOnce;
    private long failedAttempts;

    protected MqttSubscriber(Settings settings, InboundQueue queue, SubscriberEvents events) {
        this.settings = settings;
        this.queue = queue;
        this.events = events;
        this.backoff = new ExponentialBackoff(settings.backoffInitial().toMillis(), 2, settings.backoffMax().toMillis(), 0.2);
        this.supervisor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "mqtt-supervisor-" + settings.clientId());
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Makes the first connection attempt and returns. A refusal that configuration must fix (credentials,
     * authorization, TLS trust) is thrown; any other failure is retried in the background.
     */
    public void start() {
        try {
            supervisor.submit(() -> connect(true)).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("interrupted while connecting MQTT client " + settings.clientId(), e);
        } catch (java.util.concurrent.ExecutionException e) {
            throw new ConnectException("MQTT client " + settings.clientId() + " could not start", e.getCause());
        }
        ConnectException refused = fatal;
        if (refused != null) {
            throw refused;
        }
    }

    /** Runs on the supervisor thread only. */
    private void connect(boolean first) {
        if (closed) {
            return;
        }
        long number = connection.incrementAndGet();
        state = ConnectionState.CONNECTING;
        try {
            boolean sessionPresent = connectClient();
            // Subscribe on the first connection of this task (the filters may have changed) and whenever the
            // broker has no session for us; with a session present the subscriptions are already there, and
            // subscribing again would make the broker resend retained messages.
            if (!subscribedOnce || !sessionPresent) {
                subscribeClient();
                subscribedOnce = true;
            }
            state = ConnectionState.CONNECTED;
            log.info("MQTT client {} connected (connection {}, session present: {}, after {} failed attempts) to {}; subscribed to {} at QoS {}",
                    settings.clientId(), number, sessionPresent, failedAttempts, settings.serverUris(), settings.filters(), settings.qos());
            failedAttempts = 0;
            events.connected(!first);
        } catch (Exception e) {
            connection.incrementAndGet();
            if (isRefusal(e, first)) {
                state = ConnectionState.FAILED;
                fatal = new ConnectException("MQTT broker refused client " + settings.clientId() + " at " + settings.serverUris()
                        + ": " + describe(e).replaceAll("\\.+$", "") + ". Fix the connector configuration (credentials, authorization, TLS) and restart the task.", e);
                // Not logged here: start() or the next poll() throws it, and Connect logs the failed task with it.
                return;
            }
            state = ConnectionState.DISCONNECTED;
            long delay = backoff.backoff(failedAttempts++);
            log.warn("MQTT client {} could not connect to {} (attempt {}): {}; retrying in {} ms",
                    settings.clientId(), settings.serverUris(), failedAttempts, describe(e), delay);
            schedule(() -> connect(false), delay);
        }
    }

    /** Called by subclasses from the client's callback thread when the connection drops. */
    protected final void connectionLost(Throwable cause) {
        if (closed) {
            return;
        }
        schedule(() -> {
            if (closed || state != ConnectionState.CONNECTED) {
                return;
            }
            connection.incrementAndGet();
            state = ConnectionState.DISCONNECTED;
            events.connectionLost();
            long delay = backoff.backoff(failedAttempts++);
            log.warn("MQTT client {} lost its connection: {}; reconnecting in {} ms; unacknowledged messages will be redelivered by the broker",
                    settings.clientId(), cause == null ? "disconnected by the broker" : describe(cause), delay);
            schedule(() -> connect(false), delay);
        }, 0);
    }

    /**
     * Called by subclasses from the client's callback thread for each message. Blocks while the queue is full.
     *
     * @return false when the subscriber is closing and the message was not taken
     */
    protected final boolean deliver(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int messageId,
                                    List<java.util.Map.Entry<String, String>> userProperties, String contentType) throws InterruptedException {
        MqttMessageEnvelope message = new MqttMessageEnvelope(topic, payload, qos, retained, duplicate, messageId,
                userProperties, contentType, connection.get(), System.currentTimeMillis());
        events.messageArrived(message);
        return queue.put(message);
    }

    /**
     * Acknowledges a message to the broker, if it came on the current connection; otherwise the broker redelivers
     * it on the new connection and that copy is acknowledged instead. Safe from any thread.
     */
    public final void acknowledge(MqttMessageEnvelope message) {
        if (message.qos() == 0) {
            return;
        }
        if (message.connection() != connection.get() || state != ConnectionState.CONNECTED) {
            events.acknowledgementDropped();
            return;
        }
        try {
            acknowledgeClient(message.messageId(), message.qos());
            events.messageAcknowledged();
        } catch (Exception e) {
            // The connection dropped meanwhile: the broker redelivers the message.
            events.acknowledgementDropped();
            log.debug("MQTT client {} could not acknowledge message {}: {}", settings.clientId(), message.messageId(), e.toString());
        }
    }

    public final ConnectionState state() {
        return state;
    }

    /** The broker's refusal, once it happened; the task fails with it. */
    public final ConnectException failure() {
        return fatal;
    }

    @Override
    public final void close() {
        closed = true;
        state = ConnectionState.CLOSED;
        queue.close();
        supervisor.shutdownNow();
        try {
            supervisor.awaitTermination(settings.connectionTimeoutSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            closeClient();
        } catch (Exception e) {
            log.debug("MQTT client {} did not close cleanly: {}", settings.clientId(), e.toString());
        }
        log.info("MQTT client {} closed", settings.clientId());
    }

    private void schedule(Runnable action, long delayMs) {
        if (closed) {
            return;
        }
        try {
            supervisor.schedule(action, delayMs, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    private static String describe(Throwable e) {
        StringBuilder text = new StringBuilder(String.valueOf(e.getMessage()));
        Throwable cause = e.getCause();
        while (cause != null && cause != e) {
            text.append(" (").append(cause.getClass().getSimpleName()).append(": ").append(cause.getMessage()).append(')');
            e = cause;
            cause = cause.getCause();
        }
        return text.toString();
    }

    /**
     * True for failures no retry can fix: bad credentials, not authorized, bad client id, refused subscriptions, and
     * TLS failures (trust, client certificate) on the task's first attempt, which a configuration change must fix.
     */
    private boolean isRefusal(Exception e, boolean first) {
        if (e instanceof SubscriptionRefusedException || isRefusedByBroker(e)) {
            return true;
        }
        if (first) {
            for (Throwable cause = e; cause != null; cause = cause.getCause()) {
                if (cause instanceof javax.net.ssl.SSLException || cause instanceof java.security.cert.CertificateException) {
                    return true;
                }
                if (cause.getCause() == cause) {
                    break;
                }
            }
        }
        return false;
    }

    /** Connects; returns whether the broker had a session for this client. Must wait for completion. */
    protected abstract boolean connectClient() throws Exception;

    /** Subscribes to all filters; throws {@link SubscriptionRefusedException} when the broker refuses one. */
    protected abstract void subscribeClient() throws Exception;

    protected abstract void acknowledgeClient(int messageId, int qos) throws Exception;

    /** Disconnects (briefly, without waiting for in-flight acknowledgements) and releases the client. */
    protected abstract void closeClient() throws Exception;

    /** True when the exception is the broker refusing the connection for a reason configuration must fix. */
    protected abstract boolean isRefusedByBroker(Exception e);

    /** The broker refused a subscription; not retried. */
    public static final class SubscriptionRefusedException extends Exception {
        public SubscriptionRefusedException(String message) {
            super(message);
        }
    }
}
