package io.iotconnect.common.config;

import java.util.Objects;

/**
 * What is wrong with a configuration: the key an operator should change and a message that names the fix. The
 * message never repeats the key's value, which may be a secret.
 *
 * @param key     the config key to blame, like {@code foo.timeout.ms}; a constant of the connector's config class
 * @param message what is wrong and how to fix it, without the key's value
 */
public record ConfigProblem(String key, String message) {

    public ConfigProblem {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(message, "message");
    }

    /** The problem as one line, {@code <key>: <message>}, as {@code start()} reports it. */
    public String describe() {
        return key + ": " + message;
    }
}
