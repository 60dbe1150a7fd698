package io.iotconnect.mqtt.config;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicFilterTest {

    @Test
    void parsesPlainWildcardAndSharedFilters() {
        assertThat(TopicFilter.parse("devices/+/telemetry").isShared()).isFalse();
        TopicFilter shared = TopicFilter.parse("$share/ingest/devices/#");
        assertThat(shared.isShared()).isTrue();
        assertThat(shared.shareGroup()).isEqualTo("ingest");
        assertThat(shared.filter()).isEqualTo("devices/#");
        assertThat(TopicFilter.parse("a/b").sharedAs("g").text()).isEqualTo("$share/g/a/b");
        assertThat(shared.sharedAs("other")).isSameAs(shared);
    }

    @Test
    void rejectsMisplacedWildcardsAndBadSharedSubscriptions() {
        assertThatThrownBy(() -> TopicFilter.parse("a/#/b")).hasMessageContaining("'#' must be a whole level and the last one");
        assertThatThrownBy(() -> TopicFilter.parse("a/b#")).hasMessageContaining("'#' must be a whole level");
        assertThatThrownBy(() -> TopicFilter.parse("a/b+/c")).hasMessageContaining("'+' must be a whole level");
        assertThatThrownBy(() -> TopicFilter.parse("")).hasMessageContaining("empty");
        assertThatThrownBy(() -> TopicFilter.parse("$share/g")).hasMessageContaining("$share/<group>/<filter>");
        assertThatThrownBy(() -> TopicFilter.parse("$share//a")).hasMessageContaining("$share/<group>/<filter>");
        assertThatThrownBy(() -> TopicFilter.parse("$share/g+/a")).hasMessageContaining("must not contain + or #");
        assertThatThrownBy(() -> TopicFilter.parse("$share/g/")).hasMessageContaining("no topic filter");
        assertThatThrownBy(() -> TopicFilter.parse("a\u0000b")).hasMessageContaining("NUL");
    }

    @Test
    void overlapFollowsMqttMatching() {
        assertThat(overlaps("a/#", "a/b")).isTrue();
        assertThat(overlaps("a/#", "a")).isTrue();
        assertThat(overlaps("a/+", "a/b")).isTrue();
        assertThat(overlaps("a/+/c", "a/b/+")).isTrue();
        assertThat(overlaps("#", "x/y/z")).isTrue();
        assertThat(overlaps("a/+", "a")).isFalse();
        assertThat(overlaps("a/b", "a/c")).isFalse();
        assertThat(overlaps("a/+/c", "a/b/d")).isFalse();
        assertThat(overlaps("a/b", "a/b/c")).isFalse();
        assertThat(overlaps("$share/g/a/#", "a/b")).isTrue();
    }

    @Test
    void matchesTopicNames() {
        assertThat(TopicFilter.parse("a/+/c").matches("a/b/c")).isTrue();
        assertThat(TopicFilter.parse("a/#").matches("a")).isTrue();
        assertThat(TopicFilter.parse("a/#").matches("a/b/c")).isTrue();
        assertThat(TopicFilter.parse("a/+").matches("a/b/c")).isFalse();
        assertThat(TopicFilter.parse("#").matches("$SYS/broker")).isFalse();
    }

    private static boolean overlaps(String a, String b) {
        boolean forward = TopicFilter.parse(a).overlaps(TopicFilter.parse(b));
        assertThat(TopicFilter.parse(b).overlaps(TopicFilter.parse(a))).as("symmetry").isEqualTo(forward);
        return forward;
    }
}
