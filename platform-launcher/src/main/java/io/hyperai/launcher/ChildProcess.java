package io.hyperai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A child process of the launcher (Keycloak, a service) in its own session and process group (via {@code setsid}),
 * so that Ctrl-C on the terminal does not reach it behind the launcher's back and the whole tree (e.g. {@code kc.sh}
 * and its JVM) can be signalled at once. Output and errors are appended to one log file.
 */
final class ChildProcess {

    private final String name;
    private final Process process;
    private final Path log;
    private final long startMillis;

    private ChildProcess(String name, Process process, Path log) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.startMillis = Procs.startMillis(process.pid());
    }

    /**
     * Starts {@code command} with {@code env} added to the launcher's environment.
     */
    static ChildProcess start(String name, List<String> command, Map<String, String> env, Path workDir, Path log) {
        List<String> cmd = new ArrayList<>();
        if (Procs.hasSetsid()) {
            cmd.add("setsid"); // not a group leader (a JVM child), so setsid execs in place: same pid
        }
        cmd.addAll(command);
        try {
            Files.createDirectories(log.getParent());
            Files.createDirectories(workDir);
            Files.writeString(log, "---- " + java.time.OffsetDateTime.now() + " starting " + name + ": "
                    + String.join(" ", command) + System.lineSeparator(),
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot prepare " + log, e);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd)
                .directory(workDir.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(nullDevice()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(env);
        try {
            return new ChildProcess(name, pb.start(), log);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + String.join(" ", command), e);
        }
    }

    private static java.io.File nullDevice() {
        return new java.io.File("/dev/null");
    }

    String name() {
        return name;
    }

    long pid() {
        return process.pid();
    }

    long startMillis() {
        return startMillis;
    }

    Path log() {
        return log;
    }

    boolean isAlive() {
        return process.isAlive();
    }

    /** The exit code, or null while it runs. */
    Integer exitCode() {
        return process.isAlive() ? null : process.exitValue();
    }

    /** SIGTERM to the group and the tree, up to {@code grace}, then SIGKILL. */
    boolean stop(Duration grace) {
        boolean clean = Procs.stopTree(process.pid(), grace);
        try {
            process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS); // reap
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return clean;
    }

    @Override
    public String toString() {
        return name + " (pid " + pid() + ")";
    }
}
