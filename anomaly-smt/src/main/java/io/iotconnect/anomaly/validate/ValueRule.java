package io.iotconnect.anomaly.validate;

/** One check on a present, non-null field value. */
interface ValueRule {

    /**
     * Null when the value passes, else what is wrong, phrased to follow {@code field=value}, like
     * {@code "above max 100"}.
     */
    String problem(Object value, long nowMillis);
}
