package io.iotconnect.localstack;

import io.iotconnect.testing.LocalPorts;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A JVM of the stack (broker, worker) started from the stack's classpath, its output in a log file. */
final class JavaProcess implements AutoCloseable {

    private final String name;
    private final Process process;
    private final Path log;

    private JavaProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
    }

    static JavaProcess start(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args, Path log) {
        return start(name, classpath, jvmOptions, mainClass, args, log, Map.of());
    }

    /** Starts the JVM with {@code environment} added to this process's environment (secrets for config providers). */
    static JavaProcess start(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args, Path log,
                             Map<String, String> environment) {
        try {
            ProcessBuilder builder = new ProcessBuilder(command(classpath, jvmOptions, mainClass, args))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(environment);
            Process process = builder.start();
            return new JavaProcess(name, process, log);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Runs a JVM to completion and returns what it printed on standard output; fails on a non-zero exit. */
    static String run(String name, String classpath, List<String> jvmOptions, String mainClass, List<String> args, Path log) {
        try {
            Process process = new ProcessBuilder(command(classpath, jvmOptions, mainClass, args))
                    .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .start();
            String output = new String(process.getInputStream().readAllBytes());
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException(name + " did not finish within 2 minutes; see " + log);
            }
            if (process.exitValue() != 0) {
                throw new IllegalStateException(name + " failed (exit " + process.exitValue() + "); see " + log);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + name, e);
        }
    }

    private static List<String> command(String classpath, List<String> jvmOptions, String mainClass, List<String> args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.add("-cp");
        command.add(classpath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /** Waits until the JVM listens on 127.0.0.1:{@code port}; fails, pointing at its log, when it exits first. */
    void awaitListening(int port, Duration timeout) {
        LocalPorts.awaitListening(process, name, port, timeout, () -> "see " + log);
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit status; only once the JVM has exited. */
    int exitValue() {
        return process.exitValue();
    }

    String name() {
        return name;
    }

    /** Asks the JVM to stop (SIGTERM, so it shuts down cleanly) and waits; kills it after the grace period. */
    void stop(Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(20));
    }
}
