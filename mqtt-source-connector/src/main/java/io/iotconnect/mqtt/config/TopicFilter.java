package io.iotconnect.mqtt.config;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * An MQTT topic filter, checked against the MQTT 3.1.1/5 rules, possibly a shared subscription
 * ({@code $share/<group>/<filter>}).
 */
public final class TopicFilter {

    private static final String SHARE_PREFIX = "$share/";
    private static final int MAX_UTF8_BYTES = 65535;

    private final String text;
    private final String shareGroup;
    private final String filter;
    private final String[] levels;

    private TopicFilter(String text, String shareGroup, String filter) {
        this.text = text;
        this.shareGroup = shareGroup;
        this.filter = filter;
        this.levels = filter.split("/", -1);
    }

    /**
     * Parses and checks a filter.
     *
     * @throws IllegalArgumentException with a message that says what is wrong and how to write it
     */
    public static TopicFilter parse(String text) {
        Objects.requireNonNull(text, "topic filter");
        if (text.isEmpty()) {
            throw new IllegalArgumentException("empty topic filter");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > MAX_UTF8_BYTES) {
            throw new IllegalArgumentException("topic filter longer than 65535 bytes");
        }
        if (text.indexOf('\u0000') >= 0) {
            throw new IllegalArgumentException("topic filter '" + text + "' contains a NUL character");
        }
        String group = null;
        String filter = text;
        if (text.startsWith(SHARE_PREFIX)) {
            int slash = text.indexOf('/', SHARE_PREFIX.length());
            if (slash < 0 || slash == SHARE_PREFIX.length()) {
                throw new IllegalArgumentException("shared subscription '" + text + "' must be $share/<group>/<filter>");
            }
            group = text.substring(SHARE_PREFIX.length(), slash);
            if (group.contains("+") || group.contains("#")) {
                throw new IllegalArgumentException("shared subscription group '" + group + "' in '" + text + "' must not contain + or #");
            }
            filter = text.substring(slash + 1);
            if (filter.isEmpty()) {
                throw new IllegalArgumentException("shared subscription '" + text + "' has no topic filter after the group");
            }
        }
        String[] levels = filter.split("/", -1);
        for (int i = 0; i < levels.length; i++) {
            String level = levels[i];
            if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
                throw new IllegalArgumentException("topic filter '" + text
                        + "': '#' must be a whole level and the last one, as in sensors/#");
            }
            if (level.contains("+") && !level.equals("+")) {
                throw new IllegalArgumentException("topic filter '" + text
                        + "': '+' must be a whole level, as in sensors/+/temperature");
            }
        }
        return new TopicFilter(text, group, filter);
    }

    /** The filter as configured, including any {@code $share/<group>/} prefix. */
    public String text() {
        return text;
    }

    /** The filter without any shared-subscription prefix. */
    public String filter() {
        return filter;
    }

    public boolean isShared() {
        return shareGroup != null;
    }

    /** The share group, or null for an ordinary subscription. */
    public String shareGroup() {
        return shareGroup;
    }

    /** This filter as a shared subscription of {@code group}; unchanged when it is shared already. */
    public TopicFilter sharedAs(String group) {
        return isShared() ? this : parse(SHARE_PREFIX + group + "/" + filter);
    }

    /** True when some topic name matches both filters (ignoring any share prefixes). */
    public boolean overlaps(TopicFilter other) {
        String[] a = levels;
        String[] b = other.levels;
        int i = 0;
        for (; i < a.length && i < b.length; i++) {
            if (a[i].equals("#") || b[i].equals("#")) {
                return true;
            }
            if (!a[i].equals("+") && !b[i].equals("+") && !a[i].equals(b[i])) {
                return false;
            }
        }
        if (a.length == b.length) {
            return true;
        }
        // 'a/#' also matches 'a' (the parent level), so a filter one level shorter still overlaps a trailing '#'.
        String[] longer = a.length > b.length ? a : b;
        return i == longer.length - 1 && longer[i].equals("#");
    }

    /** True when the topic name matches this filter (MQTT rules, including: wildcards do not match '$' topics). */
    public boolean matches(String topic) {
        String[] names = topic.split("/", -1);
        if (topic.startsWith("$") && (levels[0].equals("+") || levels[0].equals("#"))) {
            return false;
        }
        for (int i = 0; i < levels.length; i++) {
            if (levels[i].equals("#")) {
                return true;
            }
            if (i >= names.length) {
                return false;
            }
            if (!levels[i].equals("+") && !levels[i].equals(names[i])) {
                return false;
            }
        }
        return names.length == levels.length;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof TopicFilter that && text.equals(that.text);
    }

    @Override
    public int hashCode() {
        return text.hashCode();
    }

    @Override
    public String toString() {
        return text;
    }

    String[] levels() {
        return Arrays.copyOf(levels, levels.length);
    }
}
