package io.iotconnect.datalake;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What every logger writes at {@code level} or above while open, the Azure SDK's (slf4j, through log4j) among them,
 * each event as {@code LEVEL logger - message}, followed by {@code [stack trace: <exception>]} when it carries one.
 * Attached to the root logger, so it sees what the test's logging configuration lets through; it refuses to start
 * when that would hide the levels asked for from the SDK's loggers or ours.
 */
public final class LogCapture implements AutoCloseable {

    private final LoggerContext context = (LoggerContext) LogManager.getContext(false);
    private final List<String> events = new CopyOnWriteArrayList<>();
    private final AbstractAppender appender;

    private LogCapture(Level level) {
        // The libraries' warnings and errors at least, ours at the level asked for: a capture that cannot see them
        // would pass for the wrong reason.
        Level libraries = level.isLessSpecificThan(Level.WARN) ? Level.WARN : level;
        requireEnabled("io.iotconnect", level);
        for (String logger : List.of("com.azure.storage.file.datalake.DataLakeFileClient", "com.azure.core", "reactor")) {
            requireEnabled(logger, libraries);
        }
        appender = new AbstractAppender("capture-" + UUID.randomUUID(), null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                Throwable thrown = event.getThrown();
                events.add(event.getLevel() + " " + event.getLoggerName() + " - " + event.getMessage().getFormattedMessage()
                        + (thrown == null ? "" : " [stack trace: " + thrown + "]"));
            }
        };
        appender.start();
        root().addAppender(appender, level, null);
        context.updateLoggers();
    }

    private static void requireEnabled(String logger, Level level) {
        if (!LogManager.getLogger(logger).isEnabled(level)) {
            throw new IllegalStateException(logger + " does not log at " + level + " in this test's logging configuration");
        }
    }

    /** Captures WARN and ERROR events. */
    public static LogCapture warningsAndErrors() {
        return new LogCapture(Level.WARN);
    }

    /** Captures events at {@code level} and above. */
    public static LogCapture atLeast(Level level) {
        return new LogCapture(level);
    }

    public List<String> events() {
        return List.copyOf(events);
    }

    private LoggerConfig root() {
        return context.getConfiguration().getRootLogger();
    }

    @Override
    public void close() {
        root().removeAppender(appender.getName());
        context.updateLoggers();
        appender.stop();
    }
}
