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
 * <p>Usage: {@code ConfigReference <class with a public static CONFIG_DEF field or configDef() method> <output.md> [title]}
 */
public final class ConfigReference {

    private ConfigReference() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            throw new IllegalArgumentException("usage: ConfigReference <config class> <output file> [title]");
        }
        Class<?> holder = Class.forName(args[0]);
        Path out = Path.of(args[1]);
        String title = args.length == 3 ? args[2] : holder.getSimpleName();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, markdown(title + " configuration reference", configDef(holder)), StandardCharsets.UTF_8);
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
        md.append("<!-- Generated from the ConfigDef by io.iotconnect.common.docs.ConfigReference during the build. Do not edit by hand. -->\n\n");
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
        }
        return md.toString();
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
