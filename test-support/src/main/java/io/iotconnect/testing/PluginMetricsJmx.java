package io.iotconnect.testing;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
        double total = 0;
        for (ObjectName task : tasks(connector, attribute)) {
            total += value(task, attribute);
        }
        return total;
    }

    /**
     * The MBeans of the connector's task plugins (not their transformations or predicates) that have the attribute,
     * one per task once every task is running.
     */
    public static List<ObjectName> tasks(String connector, String attribute) throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        List<ObjectName> tasks = new ArrayList<>();
        for (ObjectName name : jmx.queryNames(new ObjectName("kafka.connect:type=plugins,*"), null)) {
            if (connector.equals(unquoted(name.getKeyProperty("connector"))) && name.getKeyProperty("task") != null
                    && name.getKeyProperty("transformation") == null && name.getKeyProperty("predicate") == null
                    && Arrays.stream(jmx.getMBeanInfo(name).getAttributes()).anyMatch(info -> info.getName().equals(attribute))) {
                tasks.add(name);
            }
        }
        return tasks;
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
