package io.hyperai.launcher;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A part that is a {@link ChildProcess} of the launcher (Keycloak, a service), watched by the {@link Watchdog}. */
abstract class ProcessPart extends Part {

    private final Duration grace;
    /** Written on the monitor thread, read by the stop threads. */
    volatile ChildProcess process;

    ProcessPart(Component component, UpContext ctx, Duration grace) {
        super(component, ctx);
        this.grace = grace;
    }

    /** Starts the process, logging to {@link #log()}. */
    ChildProcess launch(String name, List<String> command, Map<String, String> env, Path workDir) {
        ChildProcess p = ChildProcess.start(name, command, env, workDir, log());
        process = p;
        ctx.watchdog.watch(p.pid());
        ctx.state.recordProcess(stateKey(), p.pid(), p.startMillis());
        return p;
    }

    @Override
    boolean started() {
        return process != null;
    }

    @Override
    String failure() {
        ChildProcess p = process;
        return p == null || p.isAlive() ? null : "exited with code " + p.exitCode() + " before it was ready";
    }

    @Override
    boolean running() {
        ChildProcess p = process;
        return p == null || p.isAlive();
    }

    @Override
    void exited() {
        ChildProcess p = process;
        if (p != null) {
            ctx.watchdog.forget(p.pid());
        }
    }

    @Override
    Path log() {
        return ctx.logs.resolve(component.logName());
    }

    /** How long a stop waits after SIGTERM before SIGKILL. */
    Duration grace() {
        return grace;
    }

    @Override
    String stop() {
        ChildProcess p = process;
        process = null;
        Duration g = grace();
        boolean clean = !p.isAlive() || p.stop(g);
        ctx.watchdog.forget(p.pid());
        return clean ? "" : ", killed after " + g.toSeconds() + " s";
    }
}
