package io.iotconnect.testing;

import io.iotconnect.common.docs.ConfigReference;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fails when a module's committed configuration reference differs from the one its ConfigDef generates now.
 * Run the test with {@code -Ddocs.update=true} to rewrite the committed copy.
 */
public final class ConfigReferenceCheck {

    private ConfigReferenceCheck() {
    }

    public static void assertCurrent(Class<?> configClass, String title, Path committed) throws IOException, ReflectiveOperationException {
        assertCurrent(List.of(configClass), title, committed);
    }

    /** The same for a module of several plugins (transforms, predicates) documented together. */
    public static void assertCurrent(List<Class<?>> pluginClasses, String title, Path committed)
            throws IOException, ReflectiveOperationException {
        String fresh = ConfigReference.document(title + " configuration reference", pluginClasses);
        if (Boolean.getBoolean("docs.update")) {
            Files.createDirectories(committed.toAbsolutePath().getParent());
            Files.writeString(committed, fresh, StandardCharsets.UTF_8);
        }
        String current = Files.exists(committed) ? Files.readString(committed, StandardCharsets.UTF_8) : "";
        assertThat(current)
                .as("%s is stale: regenerate it with 'mvn test -pl <module> -Dtest=ConfigurationDocsTest -Ddocs.update=true' and commit it",
                        committed)
                .isEqualTo(fresh);
    }
}
