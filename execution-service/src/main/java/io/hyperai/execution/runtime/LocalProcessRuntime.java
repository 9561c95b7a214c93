package io.hyperai.execution.runtime;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
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

import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.Reasons;
import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.local.Cgroups;
import io.hyperai.execution.runtime.local.LocalSandboxes;
import io.hyperai.execution.runtime.local.OutputPumps;
import io.hyperai.execution.runtime.local.SandboxCommand;
import io.vertx.core.net.SocketAddress;

/**
 * Executions as processes on this machine, for a platform that fits on one (as JupyterHub's local spawner beside
 * KubeSpawner), each in a bubblewrap sandbox ({@link SandboxCommand}: its own namespaces, network included, a
 * seccomp filter, an unprivileged host user). Limits are the kernel's where a cgroup can be made ({@link Cgroups}:
 * memory with tmpfs, pids, CPU), and the watcher here ends a run whose home outgrows the disk limit, or whose
 * memory outgrows the limit where there is no cgroup. Output goes through a capped pump into a log file. A
 * workspace's Jupyter listens on a Unix socket only the platform's proxy reaches. Without bubblewrap nothing runs:
 * {@link #unavailable()} says why.
 */
@ApplicationScoped
@Typed(LocalProcessRuntime.class)
public class LocalProcessRuntime implements ExecutionRuntime, HomeSaves {

    private static final Logger LOG = Logger.getLogger(LocalProcessRuntime.class);

    private final class Run {
        final Launch launch;
        final Path dir;
        final Path home;
        final Process process;
        final Optional<Cgroups.Cgroup> cgroup;
        final Optional<Process> network;
        final Instant startedAt = Instant.now();
        volatile PodObservation end;
        /** A script runs once started; a workspace once its Jupyter accepts connections on its socket. */
        volatile boolean answering;

        Run(Launch launch, Path dir, Path home, Process process, Optional<Cgroups.Cgroup> cgroup,
                Optional<Process> network) {
            this.launch = launch;
            this.dir = dir;
            this.home = home;
            this.process = process;
            this.cgroup = cgroup;
            this.network = network;
            this.answering = !launch.isJupyter();
        }
    }

    private final ExecutionConfig config;
    private final LocalSandboxes sandboxes;
    private final Map<String, Run> runs = new ConcurrentHashMap<>();
    /** Executions whose sandbox this instance is making now: their directory exists before their run does. */
    private final Set<String> launching = ConcurrentHashMap.newKeySet();
    /** Executions started here whose home is not copied yet (see {@link #saved}). */
    private final Set<String> unsaved = ConcurrentHashMap.newKeySet();
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
    private final OutputPumps pumps = new OutputPumps();
    /** Asks starting workspaces whether they answer; apart from the watcher, whose disk scans can take a while. */
    private final ScheduledExecutorService readiness = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "local-runtime-ready");
        t.setDaemon(true);
        return t;
    });
    private static final long ANSWER_POLL_MILLIS = 50;
    /** The file in an execution's directory that says its run was removed. */
    private static final String REMOVED = "removed";

    /** Whether bubblewrap is installed (the CI script installs it). */
    public static boolean isSandboxed() {
        return Files.isExecutable(Path.of("/usr/bin/bwrap"));
    }

    public LocalProcessRuntime(ExecutionConfig config) {
        this.config = config;
        this.sandboxes = LocalSandboxes.prepare(config);
        watcher.scheduleWithFixedDelay(this::watch, 1, 1, TimeUnit.SECONDS);
        sandboxes.unavailable().ifPresentOrElse(why -> LOG.errorf("local executions cannot run: %s", why),
                () -> LOG.infof("local executions run in bubblewrap sandboxes: %s", sandboxes.describe()));
    }

    @Override
    public Optional<String> unavailable() {
        return sandboxes.unavailable();
    }

    /**
     * Starts the execution unless it runs here, or ran before: its directory exists (made by this instance or by one
     * that died, whose sandboxes died with it). An execution is never run twice, whichever instance is asked, and a
     * run that ended with an earlier instance is {@linkplain #observe observed} as lost.
     */
    @Override
    public void start(Launch launch) {
        boolean[] launched = { false };
        boolean[] ranBefore = { false };
        Run run;
        try {
            run = runs.computeIfAbsent(launch.executionId(), id -> {
                sandboxes.unavailable().ifPresent(why -> {
                    throw new IllegalStateException(why);
                });
                launching.add(id);
                if (!claim(id)) {
                    ranBefore[0] = true;
                    return null;
                }
                launched[0] = true;
                return launch(launch);
            });
        } finally {
            launching.remove(launch.executionId());
        }
        if (ranBefore[0]) {
            LOG.infof("execution %s ran before (its directory exists): not started again", launch.executionId());
            notifyLater(launch.executionId());
            return;
        }
        if (launched[0]) {
            // only now that observe() finds the run: a notification sent from inside computeIfAbsent could be
            // handled before the run is in the map, and then nothing would say so again until the next pass
            run.process.onExit().thenRun(() -> ended(run));
            if (launch.isJupyter()) {
                awaitAnswer(run);
            }
            notifyLater(launch.executionId());
        }
    }

    /**
     * Makes the execution's directory, atomically: of two instances that try at once (a leader that has just lost the
     * lease and its successor) one makes it, the other finds it made.
     */
    private boolean claim(String executionId) {
        try {
            Files.createDirectory(dir(executionId));
            return true;
        } catch (java.nio.file.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start execution " + executionId, e);
        }
    }

    private Run launch(Launch launch) {
        try {
            Path dir = dir(launch.executionId());
            Path home = dir.resolve("home");
            Files.createDirectories(home);
            if (launch.home() != null) {
                Dirs.copy(volume(launch.home()), home);
            }
            if (launch.codePath() != null) {
                Dirs.copy(Path.of(config.codeRoot()).toAbsolutePath().resolve(launch.codePath()), home);
            }
            Path runDir = launch.isJupyter() ? sandboxes.socketDir(launch.executionId()) : null;
            sandboxes.handOver(home);
            long memoryBytes = launch.resources().memoryMib() * 1024L * 1024;
            Optional<Cgroups.Cgroup> cgroup = sandboxes.cgroup(launch.executionId(), memoryBytes,
                    launch.resources().vcpu());
            List<String> command = sandboxes.command(cgroup).build(launch, home, runDir, environment(launch),
                    memoryBytes, user(launch), this::volume);
            ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
            // the sandbox gets its environment from bwrap's --setenv; the wrapper and bwrap get nothing of ours
            builder.environment().clear();
            builder.environment().put("PATH", SandboxCommand.PATH + ":/usr/sbin:/sbin");
            Process process = spawn(builder);
            Optional<Process> network = attachNetwork(process, cgroup);
            pumps.pump(process.getInputStream(), log(launch.executionId()), config.outputCapBytes());
            LOG.infof("execution %s runs as local process %d (%s)", launch.executionId(), process.pid(),
                    cgroup.isPresent() ? "bubblewrap, cgroup" : "bubblewrap, watched");
            unsaved.add(launch.executionId()); // before its end can be handled: save() removes it
            return new Run(launch, dir, home, process, cgroup, network);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start execution " + launch.executionId(), e);
        }
    }

    private Optional<Process> attachNetwork(Process sandbox, Optional<Cgroups.Cgroup> cgroup) throws IOException {
        try {
            return sandboxes.network(sandbox);
        } catch (IOException e) {
            sandbox.descendants().forEach(ProcessHandle::destroyForcibly);
            sandbox.destroyForcibly();
            cgroup.ifPresent(Cgroups.Cgroup::killAll);
            throw e;
        }
    }

    /**
     * What user code is documented to find in its environment, and nothing else; a workspace's server also gets
     * {@link #JUPYTER_SERVER_ENV}, which it drops before it starts anything of the user's.
     */
    private static Map<String, String> environment(Launch launch) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("HOME", SandboxCommand.USER_HOME);
        env.put("PATH", SandboxCommand.PATH);
        env.put("LANG", "C.UTF-8");
        env.put("USER", "hyperai");
        env.put("HYPERAI_EXECUTION_ID", launch.executionId());
        env.put("HYPERAI_GEAR_ID", launch.gearId());
        env.put("HYPERAI_MODE", launch.mode());
        if (launch.isJupyter()) {
            // Jupyter's runtime files (connection files, the cookie secret) stay out of the saved home
            env.put("JUPYTER_RUNTIME_DIR", "/tmp/jupyter");
            env.putAll(JUPYTER_SERVER_ENV);
        }
        return env;
    }

    /**
     * Selects the standard library's distutils for the Jupyter server's own start. Debian's setuptools otherwise
     * installs, at every Python start ({@code distutils-precedence.pth}), a hook that answers notebook's
     * {@code import distutils.version} with setuptools and pkg_resources: a quarter of the server's start-up CPU
     * (0.66 -> 0.48 s per start here), which ten workspaces starting at once on two cores wait for in turn.
     */
    private static final String FAST_DISTUTILS = "SETUPTOOLS_USE_DISTUTILS";
    /** Read by the server's start-up only: {@link #JUPYTER_SERVER} takes it away before any kernel or terminal. */
    public static final Map<String, String> JUPYTER_SERVER_ENV = Map.of(FAST_DISTUTILS, "stdlib");
    /**
     * Debian's Jupyter notebook server, started as {@code jupyter-notebook} would (its arguments follow), but with
     * {@link #FAST_DISTUTILS} taken out of its environment once it has imported its modules, so the kernels and
     * terminals it starts (user code) see the documented environment only. Also one Python start fewer than
     * {@code jupyter notebook}, which starts {@code jupyter-notebook} in turn.
     */
    private static final String JUPYTER_SERVER = "import os, sys; import notebook.notebookapp as app; os.environ.pop(\""
            + FAST_DISTUTILS + "\", None); sys.argv[0] = \"jupyter-notebook\"; sys.exit(app.main())";

    private static List<String> user(Launch launch) {
        return launch.isJupyter()
                ? jupyterServer(SandboxCommand.RUN_DIR + "/" + SandboxCommand.JUPYTER_SOCKET, launch.jupyterToken(),
                        "/executions/" + launch.executionId() + "/", SandboxCommand.HOME)
                : List.of("/bin/sh", "-c", launch.entryCommand());
    }

    /**
     * A workspace's Jupyter server on a Unix socket only its user can open; it needs {@link #JUPYTER_SERVER_ENV} in
     * its environment.
     */
    public static List<String> jupyterServer(String socket, String token, String baseUrl, String notebookDir) {
        return List.of("/usr/bin/python3", "-c", JUPYTER_SERVER, "--sock=" + socket, "--sock-mode=0600",
                "--no-browser", "--NotebookApp.token=" + token, "--NotebookApp.base_url=" + baseUrl,
                "--notebook-dir=" + notebookDir);
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

    private Path dir(String executionId) {
        return Path.of(config.localRoot()).toAbsolutePath().resolve(executionId);
    }

    private Path log(String executionId) {
        return dir(executionId).resolve("output.log");
    }

    private Path volume(Launch.Mount mount) {
        Path root = "warehouse".equals(mount.volume()) ? Path.of(config.warehouseRoot()) : Path.of(config.workdirsRoot());
        return root.toAbsolutePath().resolve(mount.subPath()).normalize();
    }

    /** Enforces what the kernel does not: the home's size always, the memory where there is no cgroup. */
    private void watch() {
        for (Run run : runs.values()) {
            if (!run.process.isAlive() || run.end != null) {
                continue;
            }
            try {
                if (overMemory(run)) {
                    kill(run, memoryExceeded(run));
                    continue;
                }
                long homeBytes = Dirs.size(run.home);
                if (homeBytes > diskLimitBytes(run)) {
                    kill(run, new PodObservation(ExecutionState.FAILED, Reasons.DISK_LIMIT_EXCEEDED, 137,
                            "/hyperai/home exceeded the disk limit", run.startedAt, Instant.now()));
                }
            } catch (RuntimeException e) {
                LOG.debugf("watching %s: %s", run.launch.executionId(), e.getMessage());
            }
        }
    }

    private boolean overMemory(Run run) {
        if (run.cgroup.isPresent()) {
            return run.cgroup.get().oomKills() > 0;
        }
        return Dirs.residentKib(run.process.toHandle()) / 1024 > run.launch.resources().memoryMib();
    }

    private PodObservation memoryExceeded(Run run) {
        return new PodObservation(ExecutionState.FAILED, Reasons.MEMORY_LIMIT_EXCEEDED, 137,
                "memory exceeded the limit of " + run.launch.resources().memoryMib() + " MiB", run.startedAt,
                Instant.now());
    }

    private void kill(Run run, PodObservation why) {
        run.end = why;
        run.process.descendants().forEach(ProcessHandle::destroyForcibly);
        run.process.destroyForcibly();
        run.cgroup.ifPresent(Cgroups.Cgroup::killAll);
    }

    private void ended(Run run) {
        if (run.end == null) {
            int code = run.process.exitValue();
            if (code != 0 && run.cgroup.map(c -> c.oomKills() > 0).orElse(false)) {
                run.end = memoryExceeded(run);
            } else {
                run.end = code == 0
                        ? new PodObservation(ExecutionState.SUCCEEDED, null, 0, null, run.startedAt, Instant.now())
                        : new PodObservation(ExecutionState.FAILED, Reasons.EXIT_CODE, code, null, run.startedAt,
                                Instant.now());
            }
        }
        // whatever a process left behind (one that escaped the sandbox's tree cannot escape the cgroup)
        run.cgroup.ifPresent(Cgroups.Cgroup::killAll);
        run.network.ifPresent(Process::destroy);
        sandboxes.removeSocketDir(run.launch.executionId());
        save(run);
        run.cgroup.ifPresent(c -> onWatcher(() -> watcher.schedule(c::remove, 2, TimeUnit.SECONDS)));
        notifyLater(run.launch.executionId());
    }

    /** Work for the watcher, unless it is shut down: a run killed by {@link #close} still ends and is saved. */
    private static void onWatcher(Runnable submit) {
        try {
            submit.run();
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            LOG.debug("the local runtime is closed");
        }
    }

    /** Whether every home of a run that ended here is copied (tests wait for it before removing the directories). */
    boolean quiet() {
        return unsaved.isEmpty();
    }

    /**
     * The working directory goes where a pod's would: the working-directories volume, never more than the disk limit
     * of it (the home can grow past the limit between two looks of the watcher, and a sparse file costs no disk here
     * but would be written out whole).
     */
    private void save(Run run) {
        String id = run.launch.executionId();
        try {
            if (!Dirs.copy(run.home, Path.of(config.workdirsRoot()).toAbsolutePath().resolve(id), diskLimitBytes(run))) {
                LOG.infof("the home of %s held more than its disk limit of %d bytes: what did not fit was not saved",
                        id, diskLimitBytes(run));
            }
        } catch (RuntimeException e) {
            LOG.warnf("saving the working directory of %s failed: %s", id, e.getMessage());
        } finally {
            unsaved.remove(id);
        }
    }

    private static long diskLimitBytes(Run run) {
        return run.launch.resources().diskGib() * 1024L * 1024 * 1024;
    }

    /**
     * A stop is recorded before the process is ended, and a limit's end is observable as soon as the watcher kills
     * it: either can be measured while the copy still runs, so the home counts as saved only once it is copied. An
     * execution this instance did not start has nothing more coming (one that died with an earlier instance).
     */
    @Override
    public boolean saved(String executionId) {
        return !unsaved.contains(executionId);
    }

    /**
     * RUNNING means the workspace answers: its URL works the moment a user gets it. Jupyter is asked every
     * {@link #ANSWER_POLL_MILLIS} ms (a connect to its socket) until it accepts or the run ends.
     */
    private void awaitAnswer(Run run) {
        Path socket = sandboxes.socket(run.launch.executionId());
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>> poll =
                new java.util.concurrent.atomic.AtomicReference<>();
        poll.set(readiness.scheduleWithFixedDelay(() -> {
            if (run.end != null || !run.process.isAlive()) {
                poll.get().cancel(false);
            } else if (accepts(socket)) {
                run.answering = true;
                poll.get().cancel(false);
                notifyLater(run.launch.executionId());
            }
        }, ANSWER_POLL_MILLIS, ANSWER_POLL_MILLIS, TimeUnit.MILLISECONDS));
    }

    private static boolean accepts(Path socket) {
        if (!Files.exists(socket)) {
            return false;
        }
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel
                .open(java.net.UnixDomainSocketAddress.of(socket))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private void notifyLater(String id) {
        onWatcher(() -> watcher.execute(() -> listeners.forEach(l -> l.accept(id))));
    }

    @Override
    public void remove(String executionId) {
        Run run = runs.remove(executionId);
        if (run == null) {
            // a run that ended with an earlier instance leaves its socket directory behind
            sandboxes.removeSocketDir(executionId);
        }
        markRemoved(executionId);
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
    }

    /** Recorded beside its output, so that no instance reports the removed execution as lost. */
    private void markRemoved(String executionId) {
        Path dir = dir(executionId);
        try {
            if (Files.isDirectory(dir)) {
                Files.write(dir.resolve(REMOVED), new byte[0]);
            }
        } catch (IOException e) {
            LOG.warnf("cannot mark %s removed: %s", executionId, e.getMessage());
        }
    }

    /**
     * What runs here; for an execution that ran before but not here (its directory exists, it was never removed),
     * lost: its sandbox died with the instance that ran it (bwrap dies with its parent), as a pod does with its node.
     * Two looks at the file system, no reads.
     */
    @Override
    public Optional<PodObservation> observe(String executionId) {
        Run run = runs.get(executionId);
        if (run == null && launching.contains(executionId)) {
            return Optional.empty();
        }
        if (run == null) {
            run = runs.get(executionId); // its launch may have ended between the two looks above
        }
        if (run == null) {
            Path dir = dir(executionId);
            return Files.isDirectory(dir) && !Files.exists(dir.resolve(REMOVED))
                    ? Optional.of(lost("the execution's process ended with the instance of the service that ran it"))
                    : Optional.empty();
        }
        PodObservation end = run.end;
        if (end != null) {
            return Optional.of(end);
        }
        return Optional.of(run.answering
                ? new PodObservation(ExecutionState.RUNNING, null, null, null, run.startedAt, run.startedAt)
                : new PodObservation(ExecutionState.STARTING, null, null, null, null, Instant.now()));
    }

    @Override
    public byte[] logs(String executionId, long offset, int max) {
        try {
            return read(log(executionId), offset, max);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] read(Path log, long offset, int max) throws IOException {
        if (!Files.exists(log)) {
            return new byte[0];
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long available = Math.max(0, file.length() - offset);
            byte[] chunk = new byte[(int) Math.min(available, max)];
            file.seek(offset);
            file.readFully(chunk);
            return chunk;
        }
    }

    @Override
    public LogChunk tail(String executionId, int max) {
        Path log = log(executionId);
        try {
            long from = Files.exists(log) ? Math.max(0, Files.size(log) - max) : 0;
            return new LogChunk(from, read(log, from, max));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String workspaceBase(String executionId) {
        return config.workspaceProxyUrl();
    }

    @Override
    public Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId) {
        Run run = runs.get(executionId);
        if (run == null || !run.launch.isJupyter() || run.end != null) {
            return Optional.empty();
        }
        Path socket = sandboxes.socket(executionId);
        return Optional.of(new WorkspaceEndpoint(SocketAddress.domainSocketAddress(socket.toString()),
                run.launch.jupyterToken()));
    }

    /**
     * A workspace run by another instance of the service (the leader, on the same machine): its socket, and the token
     * recorded with the execution. Empty when its Jupyter has no socket (not yet, or any more).
     */
    @Override
    public Optional<WorkspaceEndpoint> workspaceEndpoint(String executionId, String token) {
        Optional<WorkspaceEndpoint> own = workspaceEndpoint(executionId);
        if (own.isPresent()) {
            return own;
        }
        Path socket = sandboxes.socket(executionId);
        return Files.exists(socket)
                ? Optional.of(new WorkspaceEndpoint(SocketAddress.domainSocketAddress(socket.toString()), token))
                : Optional.empty();
    }

    /**
     * Ends every run of this instance as lost, at once: another instance leads now and reports them so (it cannot see
     * them), so they must not run on (for a user who is no longer billed for them) nor end as anything else.
     */
    public void endAll() {
        watcher.execute(() -> runs.values().forEach(run -> {
            if (run.end == null && run.process.isAlive()) {
                LOG.warnf("execution %s ends: another instance of the service leads and runs executions now",
                        run.launch.executionId());
                kill(run, lost("the instance of the service that ran it no longer leads"));
            }
        }));
    }

    private static PodObservation lost(String detail) {
        return new PodObservation(ExecutionState.FAILED, Reasons.NODE_LOST, null, detail, null, Instant.now());
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
        readiness.shutdownNow();
        spawner.shutdownNow();
        runs.values().forEach(r -> {
            r.process.descendants().forEach(ProcessHandle::destroyForcibly);
            r.process.destroyForcibly();
            r.cgroup.ifPresent(Cgroups.Cgroup::killAll);
            r.network.ifPresent(Process::destroyForcibly);
        });
        pumps.close();
    }
}
