package io.iotconnect.common.docs;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.types.Password;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates a plugin's configuration reference in Markdown from its {@link ConfigDef}, so the docs can never disagree
 * with the code. Run by the build ({@code process-classes}) for each connector module; a test in each module compares
 * the committed copy with a fresh one.
 *
 * <p>Usage: {@code ConfigReference <class>[,<class>...] <output.md> [title]}, each class having a public static
 * {@code CONFIG_DEF} field or {@code configDef()} method. Several classes (a module of transforms and predicates) give
 * one document with a section per class, opened by the class's {@code OVERVIEW_DOC} when it has one.
 */
public final class ConfigReference {

    private static final String GENERATED =
            "<!-- Generated from the ConfigDef by io.iotconnect.common.docs.ConfigReference during the build. Do not edit by hand. -->";

    private ConfigReference() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: ConfigReference <config class> <output file> [title]");
        }
        List<Class<?>> holders = new ArrayList<>();
        for (String name : args[0].split(",")) {
            holders.add(Class.forName(name.trim()));
        }
        Path out = Path.of(args[1]);
        String title = args.length == 3 ? args[2] : holders.get(0).getSimpleName();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, document(title + " configuration reference", holders), StandardCharsets.UTF_8);
    }

    /** The reference of one config class, or of several plugin classes with a section each. */
    public static String document(String title, List<Class<?>> holders) throws ReflectiveOperationException {
        if (holders.size() == 1) {
            return markdown(title, configDef(holders.get(0)));
        }
        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(GENERATED).append("\n\n");
        for (Class<?> holder : holders) {
            md.append("- [").append(holder.getSimpleName()).append("](#").append(anchor(holder.getSimpleName())).append(")\n");
        }
        md.append('\n');
        for (Class<?> holder : holders) {
            md.append("## ").append(holder.getSimpleName()).append("\n\n");
            md.append("`").append(holder.getName()).append("`\n\n");
            String overview = overview(holder);
            if (overview != null) {
                md.append(escapeProse(overview)).append("\n\n");
            }
            boolean any = false;
            for (ConfigDef.ConfigKey key : configDef(holder).configKeys().values()) {
                if (!key.internalConfig) {
                    appendKey(md, key);
                    any = true;
                }
            }
            if (!any) {
                md.append("No configuration.\n\n");
            }
        }
        return md.toString();
    }

    private static String overview(Class<?> holder) throws IllegalAccessException {
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().equals("OVERVIEW_DOC")) {
                return (String) field.get(null);
            }
        }
        return null;
    }

    /** The ConfigDef of a config class: its {@code CONFIG_DEF} field or {@code configDef()} method. */
    public static ConfigDef configDef(Class<?> holder) throws ReflectiveOperationException {
        for (Field field : holder.getFields()) {
            if (Modifier.isStatic(field.getModifiers()) && field.getName().equals("CONFIG_DEF")) {
                return (ConfigDef) field.get(null);
            }
        }
        Method method = holder.getMethod("configDef");
        return (ConfigDef) method.invoke(null);
    }

    /** The reference as Markdown: a table of contents by group, then one section per key in definition order. */
    public static String markdown(String title, ConfigDef def) {
        Map<String, List<ConfigDef.ConfigKey>> groups = new LinkedHashMap<>();
        for (String group : def.groups()) {
            groups.put(group, new ArrayList<>());
        }
        List<ConfigDef.ConfigKey> ungrouped = new ArrayList<>();
        for (ConfigDef.ConfigKey key : def.configKeys().values()) {
            if (key.internalConfig) {
                continue;
            }
            if (key.group == null) {
                ungrouped.add(key);
            } else {
                groups.computeIfAbsent(key.group, g -> new ArrayList<>()).add(key);
            }
        }
        if (!ungrouped.isEmpty()) {
            groups.put("Other", ungrouped);
        }
        for (List<ConfigDef.ConfigKey> keys : groups.values()) {
            keys.sort((a, b) -> Integer.compare(a.orderInGroup, b.orderInGroup));
        }

        StringBuilder md = new StringBuilder();
        md.append("# ").append(title).append("\n\n");
        md.append(GENERATED).append("\n\n");
        for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : groups.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            md.append("- [").append(group.getKey()).append("](#").append(anchor(group.getKey())).append(")\n");
        }
        md.append('\n');
        for (Map.Entry<String, List<ConfigDef.ConfigKey>> group : groups.entrySet()) {
            if (group.getValue().isEmpty()) {
                continue;
            }
            md.append("## ").append(group.getKey()).append("\n\n");
            for (ConfigDef.ConfigKey key : group.getValue()) {
                appendKey(md, key);
            }
        }
        return md.toString();
    }

    private static void appendKey(StringBuilder md, ConfigDef.ConfigKey key) {
        md.append("### `").append(key.name).append("`\n\n");
        if (key.documentation != null) {
            md.append(escape(key.documentation.trim())).append("\n\n");
        }
        md.append("| | |\n|---|---|\n");
        md.append("| Type | ").append(key.type.name().toLowerCase()).append(" |\n");
        md.append("| Default | ").append(defaultText(key)).append(" |\n");
        if (key.validator != null && !key.validator.toString().isBlank()) {
            md.append("| Valid values | ").append(escape(key.validator.toString())).append(" |\n");
        }
        md.append("| Importance | ").append(key.importance.name().toLowerCase()).append(" |\n");
        if (key.displayName != null) {
            md.append("| Display name | ").append(escape(key.displayName)).append(" |\n");
        }
        md.append('\n');
    }

    /** Overview text may hold {@code <code>} tags (Kafka's convention for OVERVIEW_DOC); Markdown takes backticks. */
    private static String escapeProse(String text) {
        return escape(text.replace("<code>", "`").replace("</code>", "`"));
    }

    private static String defaultText(ConfigDef.ConfigKey key) {
        if (!key.hasDefault()) {
            return "required";
        }
        Object value = key.defaultValue;
        if (value == null) {
            return "null";
        }
        if (value instanceof Password) {
            return "[hidden]";
        }
        String text = value instanceof List<?> list ? String.join(",", list.stream().map(String::valueOf).toList()) : value.toString();
        return text.isEmpty() ? "\"\"" : "`" + text + "`";
    }

    /** Escapes what Markdown would take as table cells or HTML tags. */
    private static String escape(String text) {
        return text.replace("|", "\\|").replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
    }

    private static String anchor(String heading) {
        return heading.toLowerCase().replaceAll("[^a-z0-9 -]", "").replace(' ', '-');
    }
}
