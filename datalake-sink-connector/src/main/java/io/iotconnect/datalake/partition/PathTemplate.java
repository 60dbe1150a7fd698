package io.iotconnect.datalake.partition;

import io.iotconnect.common.path.FieldPath;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The directory of a record's file, below the topics directory: text with variables, parsed once from
 * {@code datalake.path.template}. Variables:
 * <ul>
 *   <li>{@code ${topic}}, {@code ${partition}}: the record's Kafka topic and partition;</li>
 *   <li>{@code ${time:<pattern>}}: the record time (its timestamp, or {@code datalake.partition.time.field}) in the
 *       configured zone, formatted with a {@link DateTimeFormatter} pattern, like {@code ${time:yyyy-MM-dd}};</li>
 *   <li>{@code ${value.<field>}}, {@code ${key}}, {@code ${key.<field>}}: a field of the value (dots for nesting) or
 *       the key, escaped by {@link PathEscaping} so that no value adds a directory or climbs out of one.</li>
 * </ul>
 * A directory depends only on the record, never on the wall clock, so a record replayed after a crash lands in the
 * same directory: exactly-once recovery relies on it.
 */
public final class PathTemplate {

    private sealed interface Part permits Text, Topic, KafkaPartition, Time, ValueField, Key {
    }

    private record Text(String text) implements Part {
    }

    private record Topic() implements Part {
    }

    private record KafkaPartition() implements Part {
    }

    private record Time(String pattern, DateTimeFormatter formatter, ChronoUnit unit) implements Part {
    }

    private record ValueField(FieldPath path) implements Part {
    }

    private record Key(FieldPath path) implements Part {
    }

    private final String template;
    private final List<Part> parts;
    private final ZoneId zone;
    private final List<Part> timePrefix;
    private final ChronoUnit timePrefixUnit;
    /**
     * The finest unit of the template's time parts when it is a minute, an hour or a day (whose start in the zone is a
     * truncation), else null: within one such unit every time part renders the same.
     */
    private final ChronoUnit timeCacheUnit;
    /** The time parts rendered for the last unit a record fell in (immutable, so threads may share it). */
    private volatile RenderedTime lastTime;

    /** Time parts rendered, by part position, for the times in [start, end). */
    private record RenderedTime(long start, long end, String[] texts) {
    }

    private PathTemplate(String template, List<Part> parts, ZoneId zone) {
        this.template = template;
        this.parts = parts;
        this.zone = zone;
        List<List<Part>> segments = segments(parts);
        // The time prefix: after an optional leading ${topic} directory, the directories made only of text and time.
        int first = !segments.isEmpty() && segments.get(0).equals(List.of(new Topic())) ? 1 : 0;
        List<Part> prefix = new ArrayList<>(segments.subList(0, first).stream().flatMap(List::stream).toList());
        ChronoUnit unit = null;
        for (List<Part> segment : segments.subList(first, segments.size())) {
            boolean timeOnly = segment.stream().allMatch(part -> part instanceof Text || part instanceof Time)
                    && segment.stream().anyMatch(part -> part instanceof Time);
            if (!timeOnly) {
                break;
            }
            if (!prefix.isEmpty()) {
                prefix.add(new Text("/"));
            }
            prefix.addAll(segment);
            for (Part part : segment) {
                if (part instanceof Time time && (unit == null || time.unit().compareTo(unit) < 0)) {
                    unit = time.unit();
                }
            }
        }
        this.timePrefix = unit == null ? List.of() : List.copyOf(prefix);
        this.timePrefixUnit = unit;
        ChronoUnit finest = null;
        for (Part part : parts) {
            if (part instanceof Time time && (finest == null || time.unit().compareTo(finest) < 0)) {
                finest = time.unit();
            }
        }
        boolean cacheable = parts.stream().allMatch(part -> !(part instanceof Time time) || cacheable(time.pattern()));
        this.timeCacheUnit = cacheable && (finest == ChronoUnit.MINUTES || finest == ChronoUnit.HOURS || finest == ChronoUnit.DAYS)
                ? finest : null;
    }

    /** The parts per directory level: text holding '/' is cut there. */
    private static List<List<Part>> segments(List<Part> parts) {
        List<List<Part>> segments = new ArrayList<>();
        List<Part> current = new ArrayList<>();
        for (Part part : parts) {
            if (part instanceof Text text) {
                String[] pieces = text.text().split("/", -1);
                for (int i = 0; i < pieces.length; i++) {
                    if (i > 0) {
                        segments.add(current);
                        current = new ArrayList<>();
                    }
                    if (!pieces[i].isEmpty()) {
                        current.add(new Text(pieces[i]));
                    }
                }
            } else {
                current.add(part);
            }
        }
        segments.add(current);
        return segments;
    }

    /**
     * Parses a template.
     *
     * @throws IllegalArgumentException naming what is wrong, for the config validator
     */
    public static PathTemplate parse(String template, ZoneId zone) {
        String trimmed = template.trim();
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("the template is empty; write at least ${topic}");
        }
        if (trimmed.startsWith("/") || trimmed.endsWith("/")) {
            throw new IllegalArgumentException("the template starts or ends with '/'; write directories between, like ${topic}/dt=${time:yyyy-MM-dd}");
        }
        List<Part> parts = new ArrayList<>();
        StringBuilder text = new StringBuilder();
        int i = 0;
        while (i < trimmed.length()) {
            int open = trimmed.indexOf("${", i);
            if (open < 0) {
                text.append(trimmed, i, trimmed.length());
                break;
            }
            text.append(trimmed, i, open);
            int close = trimmed.indexOf('}', open);
            if (close < 0) {
                throw new IllegalArgumentException("'${' at character " + (open + 1) + " is not closed by '}'");
            }
            if (!text.isEmpty()) {
                parts.add(new Text(text.toString()));
                text.setLength(0);
            }
            parts.add(variable(trimmed.substring(open + 2, close).trim()));
            i = close + 1;
        }
        if (!text.isEmpty()) {
            parts.add(new Text(text.toString()));
        }
        checkLiterals(parts);
        return new PathTemplate(trimmed, List.copyOf(parts), zone);
    }

    private static Part variable(String name) {
        if (name.equals("topic")) {
            return new Topic();
        }
        if (name.equals("partition")) {
            return new KafkaPartition();
        }
        if (name.equals("key")) {
            return new Key(null);
        }
        if (name.startsWith("key.")) {
            return new Key(FieldPath.parse(name.substring(4)));
        }
        if (name.startsWith("value.")) {
            return new ValueField(FieldPath.parse(name.substring(6)));
        }
        if (name.startsWith("time:")) {
            String pattern = name.substring(5);
            DateTimeFormatter formatter;
            try {
                formatter = DateTimeFormatter.ofPattern(pattern);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("${time:" + pattern + "} is not a date-time pattern: " + e.getMessage());
            }
            return new Time(pattern, formatter, finestUnit(pattern));
        }
        throw new IllegalArgumentException("${" + name + "} is not a variable; use ${topic}, ${partition}, ${time:<pattern>}, "
                + "${value.<field>}, ${key} or ${key.<field>}");
    }

    /**
     * True when every field the pattern shows is one {@link #finestUnit} accounts for (or the zone's name or offset,
     * which the cache checks apart): only then does one rendering hold for a whole unit. AM/PM, day periods and
     * fractions of a second or of the day are formatted per record.
     */
    private static boolean cacheable(String pattern) {
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            } else if (!quoted && Character.isLetter(c) && "smHhkKdDEewMLyuVzOXxZ".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The finest calendar unit a pattern shows: its file's time partition closes at the end of that unit. */
    private static ChronoUnit finestUnit(String pattern) {
        ChronoUnit finest = null;
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                continue;
            }
            if (quoted) {
                continue;
            }
            ChronoUnit unit = switch (c) {
                case 's' -> ChronoUnit.SECONDS;
                case 'm' -> ChronoUnit.MINUTES;
                case 'H', 'h', 'k', 'K' -> ChronoUnit.HOURS;
                case 'd', 'D', 'E', 'e' -> ChronoUnit.DAYS;
                case 'w' -> ChronoUnit.WEEKS;
                case 'M', 'L' -> ChronoUnit.MONTHS;
                case 'y', 'u' -> ChronoUnit.YEARS;
                default -> null;
            };
            if (unit != null && (finest == null || unit.compareTo(finest) < 0)) {
                finest = unit;
            }
        }
        if (finest == null) {
            throw new IllegalArgumentException("${time:" + pattern + "} shows no date or time field (like yyyy, MM, dd, HH)");
        }
        if (finest == ChronoUnit.SECONDS) {
            throw new IllegalArgumentException("${time:" + pattern + "} partitions by the second, which makes a directory per "
                    + "second; the finest partition is a minute (mm)");
        }
        return finest;
    }

    private static void checkLiterals(List<Part> parts) {
        StringBuilder skeleton = new StringBuilder();
        for (Part part : parts) {
            skeleton.append(part instanceof Text text ? text.text() : "x");
        }
        for (String segment : skeleton.toString().split("/", -1)) {
            if (segment.isEmpty()) {
                throw new IllegalArgumentException("the template has an empty directory name ('//')");
            }
            if (segment.equals(".") || segment.equals("..")) {
                throw new IllegalArgumentException("the template has a '" + segment + "' directory; every directory needs a name");
            }
        }
        for (Part part : parts) {
            if (part instanceof Text text && (text.text().contains("\\") || text.text().contains("%"))) {
                throw new IllegalArgumentException("the template's text '" + text.text() + "' holds '\\' or '%'; use letters, digits, '=', '-', '_', '.' and '/'");
            }
        }
    }

    /**
     * The directory of the record, with {@code timeMillis} its partition time.
     *
     * @throws DataException when a field the template names is missing or not a single value
     */
    public String render(SinkRecord record, long timeMillis) {
        StringBuilder path = new StringBuilder(64);
        String[] times = null;
        for (int i = 0; i < parts.size(); i++) {
            Part part = parts.get(i);
            if (part instanceof Text text) {
                path.append(text.text());
            } else if (part instanceof Topic) {
                path.append(PathEscaping.escape(record.topic()));
            } else if (part instanceof KafkaPartition) {
                path.append(record.kafkaPartition());
            } else if (part instanceof Time) {
                if (times == null) {
                    times = renderedTime(timeMillis);
                }
                path.append(times[i]);
            } else if (part instanceof ValueField field) {
                path.append(PathEscaping.escape(scalar(field.path().get(record.value()), "value." + field.path())));
            } else if (part instanceof Key key) {
                Object value = key.path() == null ? record.key() : key.path().get(record.key());
                path.append(PathEscaping.escape(scalar(value, key.path() == null ? "key" : "key." + key.path())));
            }
        }
        return path.toString();
    }

    /** The time parts rendered for {@code timeMillis}, by part position: formatted once per minute, hour or day. */
    private String[] renderedTime(long timeMillis) {
        RenderedTime last = lastTime;
        if (last != null && timeMillis >= last.start() && timeMillis < last.end()) {
            return last.texts();
        }
        ZonedDateTime time = Instant.ofEpochMilli(timeMillis).atZone(zone);
        String[] texts = new String[parts.size()];
        for (int i = 0; i < texts.length; i++) {
            if (parts.get(i) instanceof Time t) {
                texts[i] = t.formatter().format(time);
            }
        }
        if (timeCacheUnit != null) {
            // The unit's bounds in local time; a unit the zone's offset changes in (a DST change, a 30-minute shift,
            // a clock that jumps at midnight) is formatted per record instead.
            LocalDateTime local = time.toLocalDateTime().truncatedTo(timeCacheUnit);
            ZonedDateTime start = local.atZone(zone);
            ZonedDateTime end = local.plus(1, timeCacheUnit).atZone(zone);
            if (start.getOffset().equals(end.getOffset()) && start.getOffset().equals(time.getOffset())) {
                lastTime = new RenderedTime(start.toInstant().toEpochMilli(), end.toInstant().toEpochMilli(), texts);
            }
        }
        return texts;
    }

    private static String scalar(Object value, String variable) {
        if (value == null) {
            return null;
        }
        if (value instanceof Struct || value instanceof Map || value instanceof List || value instanceof byte[]) {
            throw new DataException("${" + variable + "} in the path template is a " + value.getClass().getSimpleName()
                    + ", not a single value");
        }
        if (value instanceof Date date) {
            return date.toInstant().toString();
        }
        return value.toString();
    }

    /** True when the template uses the record time, so each record needs one. */
    public boolean usesTime() {
        return parts.stream().anyMatch(part -> part instanceof Time);
    }

    /**
     * The unit of the time prefix (the leading directories, after an optional {@code ${topic}}, made of text and time
     * only), which completeness markers close; empty when the template has no such prefix.
     */
    public Optional<ChronoUnit> timePrefixUnit() {
        return Optional.ofNullable(timePrefixUnit);
    }

    /** The time prefix of a record's directory (see {@link #timePrefixUnit()}), with the topic when the template starts with it. */
    public String renderTimePrefix(String topic, long timeMillis) {
        StringBuilder path = new StringBuilder(48);
        ZonedDateTime time = Instant.ofEpochMilli(timeMillis).atZone(zone);
        for (Part part : timePrefix) {
            if (part instanceof Text text) {
                path.append(text.text());
            } else if (part instanceof Topic) {
                path.append(PathEscaping.escape(topic));
            } else if (part instanceof Time t) {
                path.append(t.formatter().format(time));
            }
        }
        return path.toString();
    }

    /** The end (exclusive, epoch ms) of the time-prefix bucket holding {@code timeMillis}. */
    public long bucketEnd(long timeMillis) {
        if (timePrefixUnit == null) {
            throw new IllegalStateException("the template has no time prefix");
        }
        ZonedDateTime time = Instant.ofEpochMilli(timeMillis).atZone(zone);
        ZonedDateTime start = switch (timePrefixUnit) {
            case MINUTES, HOURS, DAYS -> time.truncatedTo(timePrefixUnit);
            case WEEKS -> time.truncatedTo(ChronoUnit.DAYS).minusDays(time.getDayOfWeek().getValue() - 1L);
            case MONTHS -> time.truncatedTo(ChronoUnit.DAYS).withDayOfMonth(1);
            default -> time.truncatedTo(ChronoUnit.DAYS).withDayOfYear(1);
        };
        return start.plus(1, timePrefixUnit).toInstant().toEpochMilli();
    }

    @Override
    public String toString() {
        return template;
    }
}
