package io.iotconnect.avro;

import io.apicurio.registry.rest.client.exception.ArtifactAlreadyExistsException;
import io.apicurio.registry.rest.client.exception.VersionAlreadyExistsException;
import io.apicurio.registry.utils.converter.AvroConverter;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.data.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Apicurio Registry's {@link AvroConverter} (the same settings, the same wire format) with one mend: a schema
 * registration that loses a race is tried again.
 *
 * <p>When two tasks meet a schema new to a subject at the same moment (two MQTT tasks sharing a subscription, when the
 * first readings arrive), both ask Apicurio Registry 2.6 to create it. The registry answers the slower one with 409
 * ({@code VersionAlreadyExistsException}), and the converter's client retries only rate limits, so that record fails:
 * the task dies, or under {@code errors.tolerance=all} the record is dropped. Asked again, the registry finds the
 * version the faster task created and returns its id. The same happens when two tasks add a version each to a subject
 * at once (both are given the same next version number). So a failure whose cause is an "already exists" answer is
 * tried again, after a short pause of its own, at most {@value #MAX_TRIES} times in all; every other failure (a compatibility rule refusing the schema, an
 * unreachable registry) is thrown at once, as the plain converter throws it.
 */
public class RetryingAvroConverter<T> extends AvroConverter<T> {

    private static final Logger log = LoggerFactory.getLogger(RetryingAvroConverter.class);

    /** Tries per record: the first and the retries of lost races, each after a short, jittered pause. */
    static final int MAX_TRIES = 5;
    private static final long PAUSE_MILLIS = 20;

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        for (int tries = 1; ; tries++) {
            try {
                return super.fromConnectData(topic, schema, value);
            } catch (RuntimeException e) {
                retryOrThrow(e, topic, tries);
            }
        }
    }

    @Override
    public byte[] fromConnectData(String topic, Headers headers, Schema schema, Object value) {
        for (int tries = 1; ; tries++) {
            try {
                return super.fromConnectData(topic, headers, schema, value);
            } catch (RuntimeException e) {
                retryOrThrow(e, topic, tries);
            }
        }
    }

    private static void retryOrThrow(RuntimeException failure, String topic, int tries) {
        if (tries >= MAX_TRIES || !lostARegistrationRace(failure)) {
            throw failure;
        }
        log.debug("Registering a schema for topic {} lost a race with another registration ({}); trying again", topic,
                failure.getMessage());
        try {
            // Racers that retry at once race again; a pause of their own spreads them.
            Thread.sleep(PAUSE_MILLIS * tries + ThreadLocalRandom.current().nextLong(PAUSE_MILLIS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failure;
        }
    }

    /** Whether the registry answered "already exists": another client registered the same schema first. */
    static boolean lostARegistrationRace(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            // Both are 409s, as a compatibility rule's refusal is; only these two mean another client came first.
            if (cause instanceof VersionAlreadyExistsException || cause instanceof ArtifactAlreadyExistsException) {
                return true;
            }
        }
        return false;
    }
}
