package io.iotconnect.localstack;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's first command, end to end: real broker and worker JVMs, the plugin archives on plugin.path, the
 * connect-config JSON applied over REST by connect-config/apply.mjs, simulated devices; every published message must
 * reach Kafka, malformed ones in the error topic.
 */
class LocalStackIT {

    @Test
    void runsThePipelineForAWhileAndLosesNothing() throws Exception {
        Path repository = Path.of("..").toAbsolutePath().normalize();
        assertThat(Files.exists(repository.resolve("run-local.sh"))).as("run from the local-stack module").isTrue();
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream out = new PrintStream(new TeeStream(captured, System.out), true, StandardCharsets.UTF_8);
        LocalStack stack = new LocalStack(repository, out);
        int status;
        try {
            status = stack.run(new LocalStack.Options(30, 50, 10));
        } finally {
            stack.shutdown();
        }
        String output = captured.toString(StandardCharsets.UTF_8);
        assertThat(status).as(output).isZero();
        assertThat(output).contains("mqtt-source (mqtt-source.json) created", "mqtt-alerts (mqtt-alerts.json) created",
                "connector RUNNING", "every published message reached Kafka");
        assertThat(output).containsPattern("records in Kafka +: [1-9][0-9]* in telemetry");
        assertThat(output).containsPattern("flagged and routed +: [0-9]+ in alerts \\(FlagAnomaly \\+ IsAnomaly, for [0-9]+ injected anomalies\\)");
        assertThat(output).containsPattern("documents in Cosmos DB: [1-9][0-9]* in readings \\(for [0-9]+ records in telemetry\\), [0-9]+ in alerts \\(for [0-9]+\\), 10 in devices");
        assertThat(output).contains("cosmos-sink (cosmos-sink.json) created", "cosmos-devices (cosmos-devices.json) created");
        assertThat(output).doesNotContain("MISSING");
    }

    /** Writes to two streams, so the test's output file shows the progress too. */
    private static final class TeeStream extends java.io.OutputStream {
        private final java.io.OutputStream first;
        private final java.io.OutputStream second;

        TeeStream(java.io.OutputStream first, java.io.OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }
    }
}
