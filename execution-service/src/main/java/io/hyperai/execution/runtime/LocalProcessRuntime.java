package io.hyperai.execution.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Typed;

import org.jboss.logging.Logger;

import io.hyperai.common.vertx.Blocking;
import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.config.ExecutionConfig;
import io.smallrye.mutiny.Uni;

/**
 * Executions as processes on this machine, for a platform that fits on one (as JupyterHub's local
 * spawner beside KubeSpawner). With bubblewrap each runs in its own mount, PID and network
 * namespace, as uid 1000 in a user namespace: a read-only system, inputs read-only at {@code /hyperai/input/inputN}, a writable
 * {@code /hyperai/home}. The spec's memory and disk are enforced by watching the process tree's
 * resident memory and the home directory's size, ending the run with the matching reason.
 */
@ApplicationScoped
@Typed(LocalProcessRuntime.class)
public class LocalProcessRuntime implements ExecutionRuntime {

    private static final Logger LOG = Logger.getLogger(LocalProcessRuntime.class);

    private final class Run {
        final Launch launch;
        final Path dir;
        final Path home;
        final Process process;
        final Instant startedAt = Instant.now();
        final int port;
        volatile PodObservation end;

        Run(Launch launch, Path dir, Path home, Process process, int port) {
            this.launch = launch;
            this.dir = dir;
            this.home = home;
            this.process = process;
            this.port = port;
        }
    }

    private final ExecutionConfig config;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    private final CopyOnWriteArrayList<Consumer<String>> listeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-runtime-watch");
        t.setDaemon(true);
        return t;
    });
    /** Forks every sandbox; see {@link #spawn}. Its own thread, so a start never waits behind a disk scan. */
    private final ExecutorService spawner = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "local-runtime-spawn");
        t.setDaemon(true);
        return t;
    });
    private final boolean sandboxed = isSandboxed();

    /** Whether bubblewrap is installed (the CI script installs it). */
    public static boolean isSandboxed() {
        return Files.isExecutable(Path.of("/usr/bin/bwrap"));
    }

    public LocalProcessRuntime(ExecutionConfig config) {
        this.config = config;
        watcher.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
        if (!sandboxed) {
            LOG.warn("bubblewrap (/usr/bin/bwrap) is missing: local executions run without a sandbox");
        }
    }

    @Override
    public Uni<Void> start(Launch launch) {
        return Blocking.run(() -> runs.computeIfAbsent(launch.executionId(), id -> launch(launch)));
    }

    private Run launch(Launch launch) {
        try {
            Path dir = Path.of(config.localRoot()).toAbsolutePath().resolve(launch.executionId());
            Path home = dir.resolve("home");
            Files.createDirectories(home);
            if (launch.home() != null) {
                Dirs.copy(volume(launch.home()), home);
            }
            if (launch.codePath() != null) {
                Dirs.copy(Path.of(config.codeRoot()).toAbsolutePath().resolve(launch.codePath()), home);
            }
            int port = launch.isJupyter() ? Dirs.freePort() : 0;
            List<String> command = command(launch, home, port);
            ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("output.log").toFile()));
            builder.environment().put("HOME", sandboxed ? PodFactory.HOME : home.toString());
            builder.environment().put("HYPERAI_EXECUTION_ID", launch.executionId());
            // Jupyter keeps its runtime files (connection files, cookies secret) out of the user's home
            builder.environment().put("JUPYTER_RUNTIME_DIR", sandboxed ? "/tmp/jupyter" : dir.resolve("jupyter").toString());
            Process process = spawn(builder);
            LOG.infof("execution %s runs as local process %d%s", launch.executionId(), process.pid(),
                    sandboxed ? " (bubblewrap)" : "");
            Run run = new Run(launch, dir, home, process, port);
            process.onExit().thenRun(() -> ended(run));
            notifyLater(launch.executionId());
            return run;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start execution " + launch.executionId(), e);
        }
    }

    /**
     * bwrap's {@code --die-with-parent} (PR_SET_PDEATHSIG) fires when the <em>thread</em> that forked it ends, not
     * the process. A pooled worker thread is retired after its idle time (30 s by default) and would take every
     * sandbox it started with it, so sandboxes are forked from one thread of ours that lives as long as the
     * service.
     */
    private Process spawn(ProcessBuilder builder) throws IOException {
        try {
            return spawner.submit(builder::start).get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("cannot start " + builder.command().get(0), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting " + builder.command().get(0), e);
        }
    }

    private List<String> command(Launch launch, Path home, int port) {
        List<String> user = launch.isJupyter()
                ? List.of("jupyter", "notebook", "--ip=127.0.0.1", "--port=" + port, "--no-browser",
                        "--NotebookApp.token=" + launch.jupyterToken(),
                        "--NotebookApp.base_url=/executions/" + launch.executionId() + "/",
                        "--notebook-dir=" + (sandboxed ? PodFactory.HOME : home.toString()))
                : List.of("/bin/sh", "-c", launch.entryCommand());
        if (!sandboxed) {
            return user;
        }
        // a user namespace: the code runs as uid 1000 (as in a pod), whoever runs the service
        List<String> bwrap = new ArrayList<>(List.of("bwrap", "--die-with-parent", "--unshare-user", "--uid",
                String.valueOf(config.runAsUser()), "--gid", String.valueOf(config.runAsUser()), "--unshare-pid",
                "--unshare-ipc",
                "--ro-bind", "/usr", "/usr", "--symlink", "usr/bin", "/bin", "--symlink", "usr/lib", "/lib",
                "--symlink", "usr/lib64", "/lib64", "--symlink", "usr/sbin", "/sbin", "--ro-bind", "/etc", "/etc",
                "--dev", "/dev", "--proc", "/proc", "--tmpfs", "/tmp",
                "--bind", home.toString(), PodFactory.HOME));
        if (!launch.isJupyter()) {
            bwrap.add("--unshare-net");
        }
        for (Launch.Mount input : launch.inputs()) {
            bwrap.addAll(List.of("--ro-bind", volume(input).toString(), input.mountPath()));
        }
        bwrap.addAll(List.of("--chdir", PodFactory.HOME, "--"));
        bwrap.addAll(user);
        return bwrap;
    }

    private Path volume(Launch.Mount mount) {
        Path root = "warehouse".equals(mount.volume()) ? Path.of(config.warehouseRoot()) : Path.of(config.workdirsRoot());
        return root.toAbsolutePath().resolve(mount.subPath()).normalize();
    }

    /** Enforces the spec's memory and disk on every live run. */
    private void watch() {
        for (Run run : runs.values()) {
            if (!run.process.isAlive() || run.end != null) {
                continue;
            }
            try {
                long rssMib = Dirs.residentKib(run.process.toHandle()) / 1024;
                if (rssMib > run.launch.resources().memoryMib()) {
                    kill(run, new PodObservation(ExecutionState.FAILED, Reasons.MEMORY_LIMIT_EXCEEDED, 137,
                            "resident memory " + rssMib + " MiB exceeded the limit", run.startedAt, Instant.now()));
                    continue;
                }
                long homeBytes = Dirs.size(run.home);
                if (homeBytes > run.launch.resources().diskGib() * 1024L * 1024 * 1024) {
                    kill(run, new PodObservation(ExecutionState.FAILED, Reasons.DISK_LIMIT_EXCEEDED, 137,
                            "/hyperai/home exceeded the disk limit", run.startedAt, Instant.now()));
                }
            } catch (RuntimeException e) {
                LOG.debugf("watching %s: %s", run.launch.executionId(), e.getMessage());
            }
        }
    }

    private void kill(Run run, PodObservation why) {
        run.end = why;
        run.process.descendants().forEach(ProcessHandle::destroyForcibly);
        run.process.destroyForcibly();
    }

    private void ended(Run run) {
        if (run.end == null) {
            int code = run.process.exitValue();
            run.end = code == 0
                    ? new PodObservation(ExecutionState.SUCCEEDED, null, 0, null, run.startedAt, Instant.now())
                    : new PodObservation(ExecutionState.FAILED, Reasons.EXIT_CODE, code, null, run.startedAt,
                            Instant.now());
        }
        save(run);
        notifyLater(run.launch.executionId());
    }

    /** The working directory goes where a pod's would: the working-directories volume. */
    private void save(Run run) {
        try {
            Dirs.copy(run.home, Path.of(config.workdirsRoot()).toAbsolutePath().resolve(run.launch.executionId()));
        } catch (RuntimeException e) {
            LOG.warnf("saving the working directory of %s failed: %s", run.launch.executionId(), e.getMessage());
        }
    }

    private void notifyLater(String id) {
        watcher.execute(() -> listeners.forEach(l -> l.accept(id)));
    }

    @Override
    public Uni<Void> remove(String executionId) {
        return Blocking.run(() -> {
            Run run = runs.remove(executionId);
            if (run != null && run.process.isAlive()) {
                run.end = new PodObservation(ExecutionState.STOPPED, Reasons.USER_STOPPED, null, null, run.startedAt,
                        Instant.now());
                run.process.descendants().forEach(ProcessHandle::destroy);
                run.process.destroy();
                try {
                    if (!run.process.waitFor(10, TimeUnit.SECONDS)) {
                        kill(run, run.end);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        });
    }

    @Override
    public Optional<PodObservation> observe(String executionId) {
        Run run = runs.get(executionId);
        if (run == null) {
            return Optional.empty();
        }
        PodObservation end = run.end;
        return Optional.of(end != null ? end
                : new PodObservation(ExecutionState.RUNNING, null, null, null, run.startedAt, run.startedAt));
    }

    @Override
    public Uni<String> logs(String executionId) {
        return Blocking.call(() -> {
            Path log = Path.of(config.localRoot()).toAbsolutePath().resolve(executionId).resolve("output.log");
            try {
                return Files.exists(log) ? Files.readString(log) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    @Override
    public String workspaceBase(String executionId) {
        Run run = runs.get(executionId);
        return run == null ? config.workspaceBaseUrl() : "http://localhost:" + run.port;
    }

    @Override
    public Set<String> withContainers() {
        return Set.copyOf(runs.keySet());
    }

    @Override
    public void onChange(Consumer<String> changed) {
        listeners.add(changed);
    }

    @PreDestroy
    void close() {
        watcher.shutdownNow();
        spawner.shutdownNow();
        runs.values().forEach(r -> {
            r.process.descendants().forEach(ProcessHandle::destroyForcibly);
            r.process.destroyForcibly();
        });
    }
}
