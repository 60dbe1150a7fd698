package io.iotconnect.common.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them in configuration: a whole number and a unit ({@code 500ms}, {@code 30s},
 * {@code 15m}, {@code 2h}, {@code 6d}), or ISO-8601 ({@code PT15M}, {@code P6D}). Parsed once into {@link Duration}.
 */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("([0-9]{1,12})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /**
     * Parses a duration.
     *
     * @throws IllegalArgumentException saying how to write one
     */
    public static Duration parse(String text) {
        String trimmed = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        Matcher matcher = SHORT.matcher(trimmed);
        if (matcher.matches()) {
            long amount = Long.parseLong(matcher.group(1));
            return switch (matcher.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        }
        if (trimmed.startsWith("p")) {
            try {
                Duration parsed = Duration.parse(trimmed.toUpperCase(Locale.ROOT));
                if (!parsed.isNegative()) {
                    return parsed;
                }
            } catch (DateTimeParseException e) {
                // Falls through to the message below.
            }
        }
        throw new IllegalArgumentException("'" + text + "' is not a duration: write a whole number and a unit (500ms, 30s, "
                + "15m, 2h, 6d) or ISO-8601 (PT15M)");
    }

    /** A duration the way {@link #parse} reads it back, in the largest unit that keeps it whole: 15m, 6d, 90s. */
    public static String format(Duration duration) {
        long millis = duration.toMillis();
        if (millis % 86_400_000L == 0 && millis != 0) {
            return millis / 86_400_000L + "d";
        }
        if (millis % 3_600_000L == 0 && millis != 0) {
            return millis / 3_600_000L + "h";
        }
        if (millis % 60_000L == 0 && millis != 0) {
            return millis / 60_000L + "m";
        }
        if (millis % 1000L == 0) {
            return millis / 1000L + "s";
        }
        return millis + "ms";
    }
}
