package io.iotconnect.common.config;

/**
 * Thrown by code outside the config classes (a client builder, say) when a setting cannot be used, carrying the
 * {@link ConfigProblem} so that callers attribute it to its key without reading the message. The exception's
 * message is the problem's message. An {@link IllegalArgumentException}, so callers that catch those keep working.
 */
public class ConfigProblemException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final transient ConfigProblem problem;

    public ConfigProblemException(String key, String message) {
        this(key, message, null);
    }

    public ConfigProblemException(String key, String message, Throwable cause) {
        super(message, cause);
        this.problem = new ConfigProblem(key, message);
    }

    public ConfigProblem problem() {
        return problem;
    }

    public String key() {
        return problem.key();
    }
}
