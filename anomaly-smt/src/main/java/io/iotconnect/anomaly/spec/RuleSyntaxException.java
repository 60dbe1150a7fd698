package io.iotconnect.anomaly.spec;

/** A rule specification that cannot be read; the message says where and what to write instead. */
public final class RuleSyntaxException extends IllegalArgumentException {

    public RuleSyntaxException(String message) {
        super(message);
    }
}
