package io.iotconnect.anomaly.detect;

import io.iotconnect.anomaly.reading.Values;
import io.iotconnect.anomaly.spec.Durations;
import io.iotconnect.anomaly.spec.FieldRules;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Every configured detector, compiled once: per-field detectors plus the per-device gap check. {@link #assess} runs
 * them on one reading and returns the shared {@link Assessment}.
 */
public final class AnomalyDetector {

    private static final int LAST_SEEN = 0;

    private final FieldDetectors[] fields;
    private final long gapMillis;
    private final Levels gapLevels;
    private final Severity gapSeverity;
    private final Episodes episodes;
    private final DeviceStates devices;
    private final Assessment assessment = new Assessment();
    private final boolean detectorsStateful;
    private long backwards;
    private long repeated;

    /** Episode settings: an episode starts when {@code raiseCount} of the last {@code raiseWindow} readings are flagged. */
    public record EpisodeRules(int raiseCount, int raiseWindow, Duration clearAfter, Duration cooldown) {
    }

    /**
     * @param gap         silence after which a device's next reading is flagged; null to disable
     * @param gapSeverity the severity of a gap finding
     * @param maxDevices  devices whose state is kept; the least recently seen are forgotten beyond it
     */
    public AnomalyDetector(List<FieldRules> rules, Duration gap, Severity gapSeverity, int maxDevices) {
        this(rules, gap, gapSeverity, maxDevices, null);
    }

    /**
     * @param episodes how flagged readings make episodes per device (see {@link Episodes}), as raise count, raise window,
     *                 clear time and cooldown; null for no episodes
     */
    public AnomalyDetector(List<FieldRules> rules, Duration gap, Severity gapSeverity, int maxDevices, EpisodeRules episodes) {
        List<FieldDetectors> compiled = new ArrayList<>(rules.size());
        int slots = 1;
        if (episodes != null) {
            this.episodes = new Episodes(episodes.raiseCount(), episodes.raiseWindow(), episodes.clearAfter(), episodes.cooldown());
            this.episodes.base(slots);
            slots += Episodes.SLOTS;
        } else {
            this.episodes = null;
        }
        for (FieldRules field : rules) {
            FieldDetectors detectors = FieldDetectors.compile(field);
            if (detectors.stateful()) {
                detectors.base(slots);
                slots += detectors.slots();
            }
            compiled.add(detectors);
        }
        this.fields = compiled.toArray(new FieldDetectors[0]);
        this.gapMillis = gap == null ? 0 : gap.toMillis();
        this.gapLevels = gap == null ? null : new Levels(gapMillis, Double.NaN);
        this.gapSeverity = gapSeverity;
        this.detectorsStateful = gap != null || compiled.stream().anyMatch(FieldDetectors::stateful);
        boolean stateful = detectorsStateful || this.episodes != null;
        if (stateful) {
            double[] template = new double[slots];
            template[LAST_SEEN] = Double.NaN;
            if (this.episodes != null) {
                this.episodes.initialise(template);
            }
            for (FieldDetectors field : fields) {
                if (field.stateful()) {
                    field.initialise(template);
                }
            }
            this.devices = new DeviceStates(maxDevices, template);
        } else {
            this.devices = null;
        }
    }

    /** Whether any detector keeps per-device state (and so needs a device id). */
    public boolean stateful() {
        return detectorsStateful;
    }

    /**
     * Assesses a reading. The result is reused by the next call.
     *
     * @param deviceId the device, or null when unknown: only stateless detectors run
     * @param time     the reading's time in epoch milliseconds
     */
    public Assessment assess(Object deviceId, Object operand, long time) {
        assessment.reset();
        double[] state = devices != null && deviceId != null ? devices.stateOf(deviceId) : null;
        if (state != null) {
            double lastSeen = state[LAST_SEEN];
            // Noticed, counted, and harmless: the stateful detectors neither forget nor move their clocks back for them.
            if (!Double.isNaN(lastSeen) && time < lastSeen) {
                backwards++;
            } else if (time == lastSeen) {
                repeated++;
            }
        }
        if (state != null && gapMillis > 0) {
            double lastSeen = state[LAST_SEEN];
            if (!Double.isNaN(lastSeen) && time - lastSeen > gapMillis) {
                long silence = time - (long) lastSeen;
                assessment.add(gapSeverity, (gapSeverity == Severity.CRITICAL ? 1.0 : 0.0) + gapLevels.score(silence),
                        "device silent for " + Durations.format(Duration.ofMillis(silence)) + ", beyond gap.max.silence "
                                + Durations.format(Duration.ofMillis(gapMillis)));
            }
        }
        if (state != null && (Double.isNaN(state[LAST_SEEN]) || time > state[LAST_SEEN])) {
            state[LAST_SEEN] = time;
        }
        for (FieldDetectors field : fields) {
            field.evaluate(operand, time, state, assessment);
        }
        if (state != null && episodes != null) {
            episodes.track(state, time, assessment);
        }
        return assessment;
    }

    /** Readings older than their device's newest one so far. */
    public long readingsBackwards() {
        return backwards;
    }

    /** Readings at exactly their device's newest time so far. */
    public long readingsRepeated() {
        return repeated;
    }

    public int devicesTracked() {
        return devices == null ? 0 : devices.size();
    }

    public long devicesEvicted() {
        return devices == null ? 0 : devices.evictions();
    }

    public void clear() {
        if (devices != null) {
            devices.clear();
        }
    }

    @Override
    public String toString() {
        return "AnomalyDetector[fields=" + fields.length + ", gap=" + Values.number(gapMillis) + "ms]";
    }
}
