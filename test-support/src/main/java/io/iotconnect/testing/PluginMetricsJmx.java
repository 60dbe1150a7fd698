package io.iotconnect.testing;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.Map;
import java.util.Set;

/**
 * Reads Kafka Connect plugin metrics (KIP-877) from JMX, where an in-process worker registers them as
 * {@code kafka.connect:type=plugins,connector=..,task=..[,transformation=..|predicate=..]}.
 */
public final class PluginMetricsJmx {

    private PluginMetricsJmx() {
    }

    /** The MBean of a task's plugin whose tags include every given tag (values unquoted), besides the connector. */
    public static ObjectName find(String connector, Map<String, String> tags) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        Set<ObjectName> names = jmx.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null);
        return names.stream()
                .filter(name -> connector.equals(unquoted(name.getKeyProperty("connector"))))
                .filter(name -> name.getKeyProperty("task") != null)
                .filter(name -> tags.entrySet().stream().allMatch(tag -> tag.getValue().equals(unquoted(name.getKeyProperty(tag.getKey())))))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no plugin metrics for " + connector + " " + tags + " among " + names));
    }

    /** An attribute summed over every task of the connector that has it: a connector's total over its tasks. */
    public static double total(String connector, String attribute) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        double total = 0;
        for (ObjectName name : jmx.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            if (connector.equals(unquoted(name.getKeyProperty("connector"))) && name.getKeyProperty("task") != null
                    && name.getKeyProperty("transformation") == null && name.getKeyProperty("predicate") == null) {
                try {
                    total += value(name, attribute);
                } catch (javax.management.AttributeNotFoundException notThisPlugin) {
                    // another plugin of the same task (a converter, say) has no such metric
                }
            }
        }
        return total;
    }

    /** A numeric attribute of such an MBean. */
    public static double value(ObjectName name, String attribute) throws Exception {
        return ((Number) ManagementFactory.getPlatformMBeanServer().getAttribute(name, attribute)).doubleValue();
    }

    private static String unquoted(String value) {
        if (value == null) {
            return null;
        }
        return value.startsWith("\"") ? ObjectName.unquote(value) : value;
    }
}
