package io.iotconnect.mqtt.mapping;

import io.iotconnect.mqtt.config.TimestampFormat;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimestampParserTest {

    private static final long INSTANT = Instant.parse("2026-11-22T10:00:00.123Z").toEpochMilli();

    private final TimestampParser auto = new TimestampParser(TimestampFormat.AUTO);

    @Test
    void autoReadsEveryFormOfOneInstantAsTheSameTime() {
        assertThat(INSTANT).isEqualTo(1_795_341_600_123L);
        List<Object> forms = List.of(
                1_795_341_600_123L,                   // epoch millis, JSON integer (number mode infer)
                1_795_341_600_123.0,                  // epoch millis, JSON number (number mode float64)
                "1795341600123",                      // epoch millis, string
                1_795_341_600.123,                    // epoch seconds, fractional
                "1795341600.123",                     // epoch seconds, fractional, string
                "2026-11-22T10:00:00.123Z",           // ISO-8601, Z
                "2026-11-22T11:00:00.123+01:00",      // ISO-8601, offset
                "2026-11-22T05:30:00.123-04:30",      // ISO-8601, negative offset
                "2026-11-22T10:00:00.123000000Z");    // ISO-8601, nanosecond digits
        for (Object form : forms) {
            assertThat(auto.toEpochMillis(form)).as("%s", form).isEqualTo(INSTANT);
        }
        long wholeSecond = INSTANT - 123;
        for (Object form : List.of(1_795_341_600L, 1_795_341_600.0, "1795341600", " 1795341600 ", "2026-11-22T10:00:00Z",
                "2026-11-22T11:00:00+01:00", "2026-11-22T10:00Z", 1_795_341_600_000L)) {
            assertThat(auto.toEpochMillis(form)).as("%s", form).isEqualTo(wholeSecond);
        }
    }

    @Test
    void autoTellsSecondsFromMillisecondsAt1e11() {
        assertThat(TimestampParser.AUTO_SECONDS_BELOW).isEqualTo(1e11);
        assertThat(auto.toEpochMillis(99_999_999_999L)).as("just below 1e11: seconds, year 5138")
                .isEqualTo(99_999_999_999_000L);
        assertThat(Instant.ofEpochMilli(auto.toEpochMillis(99_999_999_999L)).toString()).startsWith("5138-11-16");
        assertThat(auto.toEpochMillis(100_000_000_000L)).as("1e11: milliseconds, March 1973").isEqualTo(100_000_000_000L);
        assertThat(Instant.ofEpochMilli(100_000_000_000L).toString()).startsWith("1973-03-03");
        assertThat(auto.toEpochMillis(0L)).isZero();
        assertThat(auto.toEpochMillis(99_999_999_999_999L)).as("just below 1e14: milliseconds").isEqualTo(99_999_999_999_999L);
        assertThat(auto.toEpochMillis(1e13)).isEqualTo(10_000_000_000_000L);
        assertThat(auto.toEpochMillis("1.795341600123E12")).as("exponent notation in a string").isEqualTo(INSTANT);
    }

    @Test
    void autoRefusesMicrosecondsNanosecondsAndLocalTimesWithReasons() {
        assertThatThrownBy(() -> auto.toEpochMillis(1_795_341_600_123_456L))
                .hasMessageStartingWith("time 1795341600123456 is too large for epoch milliseconds (after year 5138), so likely "
                        + "microseconds or nanoseconds")
                .hasMessageContaining("mqtt.timestamp.format=epoch-millis");
        assertThatThrownBy(() -> auto.toEpochMillis("1795341600123456789")).hasMessageContaining("too large for epoch milliseconds");
        assertThatThrownBy(() -> auto.toEpochMillis("2026-11-22T10:00:00"))
                .hasMessage("'2026-11-22T10:00:00' has no zone: add Z for UTC or the device's offset, like "
                        + "2026-11-22T14:03:42.123Z or 2026-11-22T15:03:42.123+01:00 (the connector cannot know the device's zone)");
        assertThatThrownBy(() -> auto.toEpochMillis("2026-11-22T10:00:00.123")).hasMessageContaining("has no zone");
    }

    @Test
    void autoRefusesWhatIsNotATimeWithReasons() {
        assertThatThrownBy(() -> auto.toEpochMillis("yesterday"))
                .hasMessageStartingWith("'yesterday' is neither epoch seconds or milliseconds nor an ISO-8601 time with a zone");
        assertThatThrownBy(() -> auto.toEpochMillis("2026-11-22")).hasMessageContaining("is neither epoch seconds");
        assertThatThrownBy(() -> auto.toEpochMillis("2026-13-22T10:00:00Z")).hasMessageContaining("is neither epoch seconds");
        assertThatThrownBy(() -> auto.toEpochMillis("NaN")).hasMessageContaining("'NaN' is neither epoch seconds");
        assertThatThrownBy(() -> auto.toEpochMillis("Infinity")).hasMessageContaining("is neither epoch seconds");
        assertThatThrownBy(() -> auto.toEpochMillis("")).hasMessageContaining("'' is neither epoch seconds");
        assertThatThrownBy(() -> auto.toEpochMillis(true))
                .hasMessageStartingWith("expected epoch seconds or milliseconds (a number) or an ISO-8601 string")
                .hasMessageEndingWith("got boolean true");
        assertThatThrownBy(() -> auto.toEpochMillis(Map.of("s", 1L))).hasMessageEndingWith("got an object");
        assertThatThrownBy(() -> auto.toEpochMillis("x".repeat(10_000)))
                .as("a long string is shown cut short")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(400).contains("x".repeat(64) + "..."));
    }

    @Test
    void everyFormatRefusesTimesBefore1970NonFiniteNumbersAndTimesBeyondAKafkaTimestamp() {
        for (TimestampFormat format : List.of(TimestampFormat.AUTO, TimestampFormat.EPOCH_MILLIS, TimestampFormat.EPOCH_SECONDS)) {
            TimestampParser parser = new TimestampParser(format);
            assertThatThrownBy(() -> parser.toEpochMillis(-5L)).as("%s", format)
                    .hasMessage("time -5 is before 1970, which Kafka cannot store as a record timestamp");
            assertThatThrownBy(() -> parser.toEpochMillis("-1795341600")).as("%s", format).hasMessageContaining("before 1970");
            assertThatThrownBy(() -> parser.toEpochMillis(Double.NaN)).as("%s", format)
                    .hasMessage("time NaN is not a finite number");
            assertThatThrownBy(() -> parser.toEpochMillis(Double.POSITIVE_INFINITY)).as("%s", format)
                    .hasMessage("time Infinity is not a finite number");
            assertThatThrownBy(() -> parser.toEpochMillis(Double.NEGATIVE_INFINITY)).as("%s", format)
                    .hasMessageContaining("not a finite number");
        }
        for (TimestampFormat format : List.of(TimestampFormat.EPOCH_MILLIS, TimestampFormat.EPOCH_SECONDS)) {
            TimestampParser parser = new TimestampParser(format);
            // Double.parseDouble reads these; before, "NaN" became 1970-01-01 and "Infinity" Long.MAX_VALUE.
            assertThatThrownBy(() -> parser.toEpochMillis("NaN")).as("%s", format).hasMessage("time 'NaN' is not a finite number");
            assertThatThrownBy(() -> parser.toEpochMillis("Infinity")).as("%s", format).hasMessageContaining("not a finite number");
            assertThatThrownBy(() -> parser.toEpochMillis("1e999999")).as("%s", format)
                    .hasMessage("time '1e999999' is not a finite number");
            assertThatThrownBy(() -> parser.toEpochMillis(1e300)).as("%s", format)
                    .hasMessage("time 1.0E300 is after year 292278994, beyond a Kafka record timestamp (a 64-bit count of milliseconds)");
        }
        assertThatThrownBy(() -> new TimestampParser(TimestampFormat.EPOCH_SECONDS).toEpochMillis(Long.MAX_VALUE / 10))
                .hasMessageContaining("after year 292278994");
        assertThatThrownBy(() -> auto.toEpochMillis("1e999999")).hasMessage("time '1e999999' is not a finite number");
    }

    @Test
    void isoTimesBefore1970OrBeyondAKafkaTimestampAreRefused() {
        for (TimestampFormat format : List.of(TimestampFormat.AUTO, TimestampFormat.ISO_8601)) {
            TimestampParser parser = new TimestampParser(format);
            assertThatThrownBy(() -> parser.toEpochMillis("1969-12-31T23:59:59Z")).as("%s", format)
                    .hasMessage("time '1969-12-31T23:59:59Z' is before 1970, which Kafka cannot store as a record timestamp");
            assertThatThrownBy(() -> parser.toEpochMillis("+999999999-12-31T23:59:59Z")).as("%s", format)
                    .hasMessageContaining("after year 292278994");
            assertThat(parser.toEpochMillis("1970-01-01T01:00:00+01:00")).as("%s", format).isZero();
        }
    }

    @Test
    void fixedFormatsReadAsBefore() {
        TimestampParser millis = new TimestampParser(TimestampFormat.EPOCH_MILLIS);
        assertThat(millis.toEpochMillis(1_795_341_600_123L)).isEqualTo(INSTANT);
        assertThat(millis.toEpochMillis(1_795_341_600_123.4)).isEqualTo(INSTANT);
        assertThat(millis.toEpochMillis(" 1795341600123 ")).isEqualTo(INSTANT);
        assertThat(millis.toEpochMillis(5L)).as("no magnitude rule: small numbers are milliseconds").isEqualTo(5L);
        assertThat(millis.toEpochMillis(1e15)).as("no magnitude rule: large numbers are milliseconds").isEqualTo(1_000_000_000_000_000L);
        assertThatThrownBy(() -> millis.toEpochMillis("2026-11-22T10:00:00Z"))
                .hasMessage("expected a number (epoch milliseconds), got '2026-11-22T10:00:00Z'");

        TimestampParser seconds = new TimestampParser(TimestampFormat.EPOCH_SECONDS);
        assertThat(seconds.toEpochMillis(1_795_341_600.123)).isEqualTo(INSTANT);
        assertThat(seconds.toEpochMillis("1795341600.123")).isEqualTo(INSTANT);
        assertThat(seconds.toEpochMillis(1_795_341_600_123L)).as("no magnitude rule").isEqualTo(1_795_341_600_123_000L);
        assertThatThrownBy(() -> seconds.toEpochMillis(true)).hasMessage("expected a number (epoch seconds), got boolean true");

        TimestampParser iso = new TimestampParser(TimestampFormat.ISO_8601);
        assertThat(iso.toEpochMillis("2026-11-22T11:00:00.123+01:00")).isEqualTo(INSTANT);
        assertThatThrownBy(() -> iso.toEpochMillis(1_795_341_600_123L))
                .hasMessage("expected an ISO-8601 string like 2026-11-22T14:03:42.123Z, got long 1795341600123");
        assertThatThrownBy(() -> iso.toEpochMillis("1795341600123"))
                .hasMessageStartingWith("'1795341600123' is not an ISO-8601 time with a zone");
        assertThatThrownBy(() -> iso.toEpochMillis("2026-11-22T10:00:00")).hasMessageContaining("has no zone");
    }
}
