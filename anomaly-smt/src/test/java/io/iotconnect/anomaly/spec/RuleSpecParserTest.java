package io.iotconnect.anomaly.spec;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RuleSpecParserTest {

    @Test
    void readsFieldsChecksAndArguments() {
        List<FieldRules> rules = RuleSpecParser.parse(
                "temperature: required number range(-40, 125);\n location.lat : range(min=-90, max=90) ; status: in(ok, 'needs service', fault);");

        assertThat(rules).hasSize(3);
        assertThat(rules.get(0).path().toString()).isEqualTo("temperature");
        assertThat(rules.get(0).checks()).extracting(Check::name).containsExactly("required", "number", "range");
        Check range = rules.get(0).checks().get(2);
        assertThat(range.number("min", 0, Double.NaN)).isEqualTo(-40.0);
        assertThat(range.number("max", 1, Double.NaN)).isEqualTo(125.0);

        assertThat(rules.get(1).path().segments()).containsExactly("location", "lat");
        assertThat(rules.get(1).checks().get(0).number("min", 0, Double.NaN)).isEqualTo(-90.0);
        assertThat(rules.get(2).checks().get(0).positional()).containsExactly("ok", "needs service", "fault");
    }

    @Test
    void quotedValuesKeepSeparatorsAndDoubledQuotes() {
        Check pattern = RuleSpecParser.parse("id: pattern('^a(b|c);d,e$') ; note: in('it''s', \"x\")").get(0).checks().get(0);
        assertThat(pattern.requiredText("regex", 0)).isEqualTo("^a(b|c);d,e$");
        Check in = RuleSpecParser.parse("note: in('it''s', \"x\")").get(0).checks().get(0);
        assertThat(in.positional()).containsExactly("it's", "x");
    }

    @Test
    void emptySpecificationHasNoRules() {
        assertThat(RuleSpecParser.parse("")).isEmpty();
        assertThat(RuleSpecParser.parse("  ;  ")).isEmpty();
        assertThat(RuleSpecParser.parse(null)).isEmpty();
    }

    @Test
    void syntaxErrorsSayWhereAndWhatToWrite() {
        assertThatThrownBy(() -> RuleSpecParser.parse("temperature number"))
                .isInstanceOf(RuleSyntaxException.class).hasMessageContaining("expected a field name followed by ':'")
                .hasMessageContaining("at character 1");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: range(1, 2"))
                .hasMessageContaining("missing its closing ')'");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: pattern('abc)"))
                .hasMessageContaining("quoted value is never closed");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: required; t: number"))
                .hasMessageContaining("field 't' has two rule lists");
        assertThatThrownBy(() -> RuleSpecParser.parse("t:"))
                .hasMessageContaining("has no checks");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: range(min=1, 2)"))
                .hasMessageContaining("positional arguments before named ones");
        assertThatThrownBy(() -> RuleSpecParser.parse("a..b: required"))
                .hasMessageContaining("empty segment");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: range(1,,2)"))
                .hasMessageContaining("empty argument");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: pattern(a;b)"))
                .hasMessageContaining("quote the value");
        assertThatThrownBy(() -> RuleSpecParser.parse("t: x(a=1, a=2)"))
                .hasMessageContaining("given twice");
    }

    @Test
    void checkAccessorsNameTheFieldCheckAndArgument() {
        Check check = RuleSpecParser.parse("t: zscore(warn=3)").get(0).checks().get(0);
        assertThatThrownBy(() -> check.accepts(0, Set.of("warning", "critical")))
                .hasMessage("field 't', check 'zscore' has no argument 'warn'; it takes critical, warning");
        Check bad = RuleSpecParser.parse("t: range(low, 5)").get(0).checks().get(0);
        assertThatThrownBy(() -> bad.number("min", 0, 0)).hasMessageContaining("'min'=low, which is not a finite number");
        Check twice = RuleSpecParser.parse("t: min(1, value=2)").get(0).checks().get(0);
        assertThatThrownBy(() -> twice.text("value", 0)).hasMessageContaining("twice, by position and by name");
    }

    @Test
    void durationsInShortAndIsoForms() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(Durations.parse("2h")).isEqualTo(Duration.ofHours(2));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("PT1M30S")).isEqualTo(Duration.ofSeconds(90));
        assertThatThrownBy(() -> Durations.parse("5 minutes")).hasMessageContaining("write a whole number with a unit");
        assertThatThrownBy(() -> Durations.parse("-PT1S")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Durations.format(Duration.ofSeconds(903))).isEqualTo("15m3s");
        assertThat(Durations.format(Duration.ofMillis(750))).isEqualTo("750ms");
        assertThat(Durations.format(Duration.ofMillis(2500))).isEqualTo("2.500s");
        assertThat(Durations.format(Duration.ofDays(1).plusHours(2))).isEqualTo("1d2h");
    }
}
