package io.iotconnect.common.config;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The one way a connector checks what its keys get wrong together, shared by {@code validate()} and {@code start()}
 * so that both refuse the same configurations with the same messages.
 *
 * <p>The flow, in the order Debezium's connectors use:
 * <ol>
 *   <li>Field errors first: each key alone, by the validators of the {@code ConfigDef}
 *       ({@code super.validate(props)}). When any key has an error, the later steps are skipped: they would parse
 *       values that are known to be bad and report follow-on errors.</li>
 *   <li>The config is parsed into the connector's config class. A {@link ConfigException} here means a value the
 *       validators let through; it is reported (on {@link #PARSE_ERROR_NAME}), never swallowed.</li>
 *   <li>The connector's checks run on the parsed config: those that need several keys, then any that read files or
 *       the network (a check that needs the network may return nothing when the offline checks found problems).
 *       Each {@link ConfigProblem} names the key to change, and its message names the fix; code outside the config
 *       classes reports one by throwing a {@link ConfigProblemException}.</li>
 * </ol>
 *
 * <p>A connector writes its checks once, as a function from its parsed config to problems, and calls:
 * <pre>{@code
 * public void start(Map<String, String> props) {
 *     this.props = Map.copyOf(props);
 *     this.config = CrossKeyValidation.requireValid(this.props, FooConfig::new, FooConnector::problems);
 * }
 *
 * public Config validate(Map<String, String> props) {
 *     return CrossKeyValidation.validate(super.validate(props), props, FooConfig::new, FooConnector::problems);
 * }
 * }</pre>
 * {@code validate()} puts each message on its key's {@link ConfigValue}; {@code start()} throws one
 * {@link ConfigException} naming every problem as {@code <key>: <message>}, joined by {@code "; "}. Neither shows a
 * key's value, so secrets stay out of REST answers and logs.
 */
public final class CrossKeyValidation {

    /**
     * Name of the {@link ConfigValue} that carries a {@link ConfigException} thrown while parsing a config whose keys
     * each passed validation; not a config key (Connect counts its errors all the same).
     */
    public static final String PARSE_ERROR_NAME = "(configuration)";

    private CrossKeyValidation() {
    }

    /**
     * For {@code Connector.validate()}: the field results unchanged when any key has an error; else the problems
     * the checks find on the parsed config, each added to its key's {@link ConfigValue} (a new one when the key is
     * not among the results, so that no problem is lost).
     *
     * @param fieldResults what {@code super.validate(props)} returned; changed in place and returned
     * @param props        the connector configuration being validated
     * @param parse        the config class's constructor, like {@code FooConfig::new}
     * @param checks       the connector's checks, as {@code start()} runs them
     */
    public static <C> Config validate(Config fieldResults, Map<String, String> props,
                                      Function<Map<String, String>, ? extends C> parse,
                                      Function<? super C, List<ConfigProblem>> checks) {
        if (hasErrors(fieldResults)) {
            return fieldResults;
        }
        C parsed;
        try {
            parsed = parse.apply(props);
        } catch (ConfigException e) {
            return withProblems(fieldResults, List.of(new ConfigProblem(PARSE_ERROR_NAME, String.valueOf(e.getMessage()))));
        }
        return withProblems(fieldResults, checks.apply(parsed));
    }

    /**
     * For {@code Connector.start()}: the parsed config, or a {@link ConfigException} naming every problem the checks
     * find (see {@link #requireNone(List)}). A {@link ConfigException} thrown while parsing propagates as it is.
     */
    public static <C> C requireValid(Map<String, String> props, Function<Map<String, String>, ? extends C> parse,
                                     Function<? super C, List<ConfigProblem>> checks) {
        C parsed = parse.apply(props);
        requireNone(checks.apply(parsed));
        return parsed;
    }

    /**
     * Throws one {@link ConfigException} whose message names every problem as {@code <key>: <message>}, joined by
     * {@code "; "}, in the order given; returns when there are none.
     */
    public static void requireNone(List<ConfigProblem> problems) {
        if (!problems.isEmpty()) {
            throw new ConfigException(describe(problems));
        }
    }

    /** The problems as {@code <key>: <message>}, joined by {@code "; "}. */
    public static String describe(List<ConfigProblem> problems) {
        return problems.stream().map(ConfigProblem::describe).collect(Collectors.joining("; "));
    }

    /** True when any key of the results has an error message. */
    public static boolean hasErrors(Config results) {
        return results.configValues().stream().anyMatch(value -> !value.errorMessages().isEmpty());
    }

    private static Config withProblems(Config results, List<ConfigProblem> problems) {
        if (problems.isEmpty()) {
            return results;
        }
        List<ConfigValue> values = new ArrayList<>(results.configValues());
        Map<String, ConfigValue> byName = values.stream()
                .collect(Collectors.toMap(ConfigValue::name, Function.identity(), (first, second) -> first));
        for (ConfigProblem problem : problems) {
            byName.computeIfAbsent(problem.key(), key -> {
                ConfigValue added = new ConfigValue(key);
                values.add(added);
                return added;
            }).addErrorMessage(problem.message());
        }
        return values.size() == results.configValues().size() ? results : new Config(values);
    }
}
