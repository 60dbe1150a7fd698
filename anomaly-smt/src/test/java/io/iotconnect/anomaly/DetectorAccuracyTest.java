package io.iotconnect.anomaly;

import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Detector accuracy on generated device series with known injected anomalies. Each series is a realistic signal: a
 * per-device base temperature, a slow daily cycle, sensor noise, values rounded to 0.1 as sensors report them, one
 * reading a minute. Precision and recall are printed (see the test output) and held above a floor.
 */
class DetectorAccuracyTest {

    private static final long T0 = 1_795_000_000_000L;
    private static final long MINUTE = 60_000L;
    private static final int DEVICES = 100;
    private static final int READINGS = 1_440;

    /** Counts of a detector's verdicts against the truth. */
    private static final class Score {
        long truePositives;
        long falsePositives;
        long falseNegatives;

        void add(boolean flagged, boolean anomalous) {
            if (flagged && anomalous) {
                truePositives++;
            } else if (flagged) {
                falsePositives++;
            } else if (anomalous) {
                falseNegatives++;
            }
        }

        double precision() {
            return truePositives / (double) (truePositives + falsePositives);
        }

        double recall() {
            return truePositives / (double) (truePositives + falseNegatives);
        }

        Score report(String detector) {
            System.out.printf("accuracy %-9s precision %.4f recall %.4f (tp %d, fp %d, fn %d)%n", detector, precision(), recall(),
                    truePositives, falsePositives, falseNegatives);
            return this;
        }
    }

    private static FlagAnomaly<SinkRecord> transform(String detectors, String... extra) {
        Map<String, String> config = new HashMap<>();
        config.put("detectors", detectors);
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        FlagAnomaly<SinkRecord> transform = new FlagAnomaly.Value<>();
        transform.configure(config);
        return transform;
    }

    private static boolean flagged(FlagAnomaly<SinkRecord> transform, String device, long time, double temperature) {
        Map<String, Object> value = new HashMap<>();
        value.put("temperature", temperature);
        Header header = transform.apply(SinkRecords.of(device, value, time)).headers().lastWithName(AnomalyHeaders.ANOMALY);
        return (Boolean) header.value();
    }

    /** The normal signal of a device at minute {@code i}. */
    private static double normal(Random random, double base, int i) {
        return base + 3.0 * Math.sin(2 * Math.PI * i / 1440.0) + random.nextGaussian() * 0.3;
    }

    private static double round(double value) {
        return Math.round(value * 10.0) / 10.0;
    }

    @Test
    void zscoreFindsInjectedSpikes() {
        Random random = new Random(42);
        FlagAnomaly<SinkRecord> transform = transform("temperature: zscore(warning=4, critical=6, warmup=30)");
        Score score = new Score();
        for (int d = 0; d < DEVICES; d++) {
            double base = 15 + random.nextDouble() * 10;
            for (int i = 0; i < READINGS; i++) {
                boolean spike = i >= 30 && random.nextDouble() < 0.01;
                double value = normal(random, base, i);
                if (spike) {
                    value += (random.nextBoolean() ? 1 : -1) * (2.5 + random.nextDouble() * 4);
                }
                boolean flagged = flagged(transform, "dev-" + d, T0 + i * MINUTE, round(value));
                score.add(flagged, spike);
            }
        }
        score.report("zscore");
        assertThat(score.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(score.recall()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void flatlineFindsStuckSensors() {
        Random random = new Random(7);
        int count = 10;
        FlagAnomaly<SinkRecord> transform = transform("temperature: flatline(" + count + ")");
        Score score = new Score();
        for (int d = 0; d < DEVICES; d++) {
            double base = 15 + random.nextDouble() * 10;
            int stuckLeft = 0;
            int stuckRun = 0;
            double stuckAt = 0;
            for (int i = 0; i < READINGS; i++) {
                if (stuckLeft == 0 && random.nextDouble() < 0.002) {
                    stuckLeft = 20 + random.nextInt(40);
                    stuckRun = 0;
                    stuckAt = round(normal(random, base, i));
                }
                double value;
                if (stuckLeft > 0) {
                    value = stuckAt;
                    stuckLeft--;
                    stuckRun++;
                } else {
                    value = round(normal(random, base, i));
                    stuckRun = 0;
                }
                // Truth: from the count-th identical reading of an injected stuck run on.
                boolean anomalous = stuckRun >= count;
                score.add(flagged(transform, "dev-" + d, T0 + i * MINUTE, value), anomalous);
            }
        }
        score.report("flatline");
        assertThat(score.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(score.recall()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void rateFindsSuddenSteps() {
        Random random = new Random(11);
        FlagAnomaly<SinkRecord> transform = transform("temperature: rate(warning=0.05)");
        Score score = new Score();
        for (int d = 0; d < DEVICES; d++) {
            double base = 15 + random.nextDouble() * 10;
            for (int i = 0; i < READINGS; i++) {
                boolean step = i > 0 && random.nextDouble() < 0.005;
                if (step) {
                    base += (random.nextBoolean() ? 1 : -1) * (5 + random.nextDouble() * 5);
                }
                score.add(flagged(transform, "dev-" + d, T0 + i * MINUTE, round(normal(random, base, i))), step);
            }
        }
        score.report("rate");
        assertThat(score.precision()).isGreaterThanOrEqualTo(0.95);
        assertThat(score.recall()).isGreaterThanOrEqualTo(0.95);
    }

    @Test
    void gapFindsSilentDevices() {
        Random random = new Random(3);
        FlagAnomaly<SinkRecord> transform = transform("", "gap.max.silence", "10m");
        Score score = new Score();
        for (int d = 0; d < DEVICES; d++) {
            long time = T0;
            for (int i = 0; i < READINGS; i++) {
                boolean outage = i > 0 && random.nextDouble() < 0.003;
                // Normal jitter: 60 s +- 20 s; an outage: 15 to 120 minutes.
                time += outage ? (15 + random.nextInt(105)) * MINUTE : MINUTE + random.nextInt(40_000) - 20_000;
                score.add(flagged(transform, "dev-" + d, time, 20.0 + random.nextGaussian()), outage);
            }
        }
        score.report("gap");
        assertThat(score.precision()).isEqualTo(1.0);
        assertThat(score.recall()).isEqualTo(1.0);
    }
}
