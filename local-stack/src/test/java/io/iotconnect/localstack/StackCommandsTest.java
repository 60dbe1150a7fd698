package io.iotconnect.localstack;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The commands for a running stack, against a state directory whose lock this test holds in place of a launcher. */
class StackCommandsTest {

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(printed, true, StandardCharsets.UTF_8);

    @Test
    void withoutARunningStackTheCommandsSaySoAndTouchNothing(@TempDir Path state) throws Exception {
        assertThat(StackCommands.status(state, out)).isEqualTo(1);
        assertThat(StackCommands.stop(state, out)).isZero();
        assertThat(StackCommands.restart(state, LocalStack.WORKER, out)).isEqualTo(1);
        assertThat(StackCommands.restart(state, "broker", out)).as("unknown name").isEqualTo(2);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("No local stack is running from " + state,
                "restart what? Use: ./run-local.sh restart worker, or ./run-local.sh restart kafka");
        assertThat(StackLock.isHeld(state)).isFalse();
    }

    @Test
    void aRestartIsAskedOfTheRunningLauncherAndTakenOnce(@TempDir Path state) throws Exception {
        try (StackLock lock = StackLock.tryAcquire(state).orElseThrow()) {
            lock.describe(StackPorts.DEFAULTS);
            assertThat(StackLock.tryAcquire(state)).as("one stack per state directory").isEmpty();
            assertThat(StackCommands.alreadyRunning(state)).contains("A local stack is already running from " + state,
                    "Kafka 127.0.0.1:9092", "Connect http://127.0.0.1:8083", "Nothing was changed");

            CompletableFuture<Integer> restart = CompletableFuture.supplyAsync(() -> {
                try {
                    return StackCommands.restart(state, LocalStack.KAFKA, out);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The launcher's loop: it finds the request, takes it, and the command returns.
            List<String> taken = List.of();
            for (int i = 0; i < 100 && taken.isEmpty(); i++) {
                TimeUnit.MILLISECONDS.sleep(50);
                taken = StackCommands.takeRestartRequests(state);
            }
            assertThat(taken).containsExactly(LocalStack.KAFKA);
            assertThat(restart.get(30, TimeUnit.SECONDS)).isZero();
            assertThat(StackCommands.takeRestartRequests(state)).as("taken once").isEmpty();
        }
        assertThat(StackLock.isHeld(state)).as("released with the launcher").isFalse();
    }
}
