package io.iotconnect.bench.accuracy;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NabCorpusTest {

    @Test
    void theBundledSeriesAreNabs34FilesWithTheir50Windows() {
        NabCorpus corpus = NabCorpus.bundled();
        assertThat(corpus.series()).hasSize(34);
        assertThat(corpus.rows()).isEqualTo(121_702);
        assertThat(corpus.windows()).isEqualTo(50);
        assertThat(corpus.series()).extracting(LabelledSeries::category).containsOnly("artificialNoAnomaly", "artificialWithAnomaly",
                "realAWSCloudwatch", "realAdExchange");

        LabelledSeries flatMiddle = corpus.series().stream()
                .filter(s -> s.name().equals("artificialWithAnomaly/art_daily_flatmiddle.csv")).findFirst().orElseThrow();
        assertThat(flatMiddle.rows()).isEqualTo(4032);
        // [2014-04-10 07:15:00, 2014-04-11 16:45:00] on 5-minute rows from 2014-04-01 00:00:00
        assertThat(flatMiddle.windows()).containsExactly(new LabelledSeries.Window(2679, 3081));
        assertThat(flatMiddle.times()[0]).isEqualTo(NabCorpus.epochMillis("2014-04-01 00:00:00", "test"));
        assertThat(flatMiddle.times()[1] - flatMiddle.times()[0]).isEqualTo(300_000L);
    }

    @Test
    void theBundledProfilesAreNabsThree() {
        assertThat(NabCorpus.bundled().profiles()).containsExactlyInAnyOrder(
                CostProfile.of("standard", 1.0, 0.11, 1.0),
                CostProfile.of("reward_low_FP_rate", 1.0, 0.22, 1.0),
                CostProfile.of("reward_low_FN_rate", 1.0, 0.11, 2.0));
        assertThat(NabCorpus.bundled().profile("reward_low_FP_rate").label()).isEqualTo("low-FP");
    }

    @Test
    void aWindowLimitBetweenRowsIsRefused() {
        String csv = "timestamp,value\n2014-04-01 00:00:00,1\n2014-04-01 00:05:00,2\n2014-04-01 00:10:00,3\n";
        LabelledSeries series = NabCorpus.series("a/b.csv", in(csv), List.of(List.of("2014-04-01 00:05:00.000000", "2014-04-01 00:10:00.000000")));
        assertThat(series.windows()).containsExactly(new LabelledSeries.Window(1, 2));
        assertThat(series.values()).containsExactly(1, 2, 3);

        assertThatThrownBy(() -> NabCorpus.series("a/b.csv", in(csv), List.of(List.of("2014-04-01 00:04:00", "2014-04-01 00:10:00"))))
                .hasMessageContaining("a/b.csv: the window limit 2014-04-01 00:04:00 is not the timestamp of any row");
    }

    private static ByteArrayInputStream in(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }
}
