package io.iotconnect.bench.accuracy;

import java.util.Map;

/**
 * One of NAB's application profiles: what the earliest detection in a window earns ({@code tpWeight}), what a missed
 * window costs ({@code fnWeight}) and what a detection outside every window costs at most ({@code fpWeight}).
 *
 * @param name  NAB's name, like {@code reward_low_FP_rate}
 * @param label the short name the benchmark prints, like {@code low-FP}
 */
public record CostProfile(String name, String label, double tpWeight, double fpWeight, double fnWeight) {

    private static final Map<String, String> LABELS = Map.of(
            "standard", "standard",
            "reward_low_FP_rate", "low-FP",
            "reward_low_FN_rate", "low-FN");

    /** NAB's standard profile, as in its {@code config/profiles.json}. */
    public static final CostProfile STANDARD = of("standard", 1.0, 0.11, 1.0);

    public CostProfile {
        if (!(tpWeight > 0) || !(fpWeight >= 0) || !(fnWeight >= 0)) {
            throw new IllegalArgumentException("profile " + name + " needs tpWeight > 0 and fpWeight, fnWeight >= 0, got tp "
                    + tpWeight + ", fp " + fpWeight + ", fn " + fnWeight);
        }
    }

    /** A profile under NAB's name, labelled as the benchmark prints it (its own name when NAB has no short one). */
    public static CostProfile of(String name, double tpWeight, double fpWeight, double fnWeight) {
        return new CostProfile(name, LABELS.getOrDefault(name, name), tpWeight, fpWeight, fnWeight);
    }
}
