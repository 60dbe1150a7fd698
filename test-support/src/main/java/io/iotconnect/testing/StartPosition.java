package io.iotconnect.testing;

import org.apache.qpid.proton.amqp.DescribedType;
import org.apache.qpid.proton.amqp.Symbol;
import org.apache.qpid.proton.amqp.messaging.Source;

import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a new partition receiver starts, from the selector filter on its source the way the Event Hubs clients write
 * it: {@code amqp.annotation.x-opt-offset > '-1'} (earliest), {@code amqp.annotation.x-opt-offset > '@latest'},
 * {@code amqp.annotation.x-opt-offset >= '<offset>'}, {@code amqp.annotation.x-opt-sequence-number > '<n>'},
 * {@code amqp.annotation.x-opt-enqueued-time > '<epoch millis>'}; {@code >} is exclusive, {@code >=} inclusive. No
 * filter means the start of the partition.
 */
final class StartPosition {

    static final Symbol SELECTOR_FILTER = Symbol.valueOf("apache.org:selector-filter:string");

    private static final Pattern EXPRESSION = Pattern.compile(
            "\\s*amqp\\.annotation\\.(x-opt-offset|x-opt-sequence-number|x-opt-enqueued-time)\\s*(>=|>)\\s*'([^']*)'\\s*");

    private StartPosition() {
    }

    /** The sequence number of the first event to send; the log's size means "the next event appended". */
    static long resolve(Source source, PartitionLog log) {
        String expression = selector(source);
        if (expression == null) {
            return log.begin();
        }
        Matcher matcher = EXPRESSION.matcher(expression);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("unsupported selector filter: " + expression);
        }
        boolean inclusive = matcher.group(2).equals(">=");
        String value = matcher.group(3);
        try {
            return switch (matcher.group(1)) {
                case "x-opt-offset" -> "@latest".equals(value) ? log.size() : log.firstAfterOffset(Long.parseLong(value), inclusive);
                // A sequence number beyond the end waits for that event, as the service does.
                // An expired one starts at the first event retained, as the service does.
                case "x-opt-sequence-number" -> Math.max(log.begin(), Long.parseLong(value) + (inclusive ? 0 : 1));
                default -> log.firstAfterTime(Long.parseLong(value), inclusive);
            };
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number in selector filter: " + expression);
        }
    }

    private static String selector(Source source) {
        Map<Symbol, Object> filters = source.getFilter();
        if (filters == null) {
            return null;
        }
        Object filter = filters.get(SELECTOR_FILTER);
        if (filter instanceof DescribedType described) {
            filter = described.getDescribed();
        }
        return filter == null ? null : filter.toString();
    }
}
