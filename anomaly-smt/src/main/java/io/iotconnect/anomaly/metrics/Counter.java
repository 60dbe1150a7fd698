package io.iotconnect.anomaly.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A count written by one thread (the task's) and read by JMX from another. Cheaper than a Kafka {@code Sensor} on
 * the per-record path: no lock, no clock read.
 */
public final class Counter {

    private final AtomicLong value = new AtomicLong();

    public void increment() {
        value.lazySet(value.get() + 1);
    }

    public long get() {
        return value.get();
    }
}
