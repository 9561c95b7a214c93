package io.hyperai.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import io.hyperai.infra.KafkaBroker;
import io.hyperai.infra.PostgresServer;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.KubernetesApiServer;

/**
 * {@code ./platform up}: starts everything in order, waits until it is ready, keeps it running until SIGINT, SIGTERM
 * or SIGHUP (Ctrl-C, {@code ./platform down}, a closed terminal), then stops everything in reverse order.
 */
final class Up {

    /** Kafka topics created up front: partitions per topic; each gets a {@code .dlq} dead-letter topic. */
    static final Map<String, Integer> TOPICS = topics();
    static final Duration SERVICE_STOP_GRACE = Duration.ofSeconds(20);
    static final Duration KEYCLOAK_STOP_GRACE = Duration.ofSeconds(30);

    /** A start-up step failed; the message names the component, {@code logTail} shows why. */
    static final class StartFailure extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Path log;

        StartFailure(String message, Path log) {
            super(message);
            this.log = log;
        }
    }

    /** Start-up was interrupted by a stop request. */
    static final class Aborted extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private final Options opt;
    private final Path home;
    private final Path data;
    private final Path logs;
    private final PrintStream out;
    private final RunState state;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile boolean stopping;

    private Watchdog watchdog;
    private PostgresServer postgres;
    private KafkaBroker kafka;
    private ChildProcess keycloak;
    private KubernetesApiServer k8s;
    private FakeKubelet kubelet;
    private final Map<Component, ChildProcess> services = new EnumMap<>(Component.class);
    /** Each service's own login role (set up with PostgreSQL, kept across its restarts). */
    private final Map<Component, PostgresServer.Role> dbRoles = new EnumMap<>(Component.class);
    private final Set<Component> reportedExit = EnumSet.noneOf(Component.class);
    private final Supervisor supervisor;

    Up(Options opt, Path home, PrintStream out) {
        this.opt = opt;
        this.home = home;
        this.data = opt.dataDir();
        this.logs = data.resolve("logs");
        this.out = out;
        this.state = new RunState(data);
        this.supervisor = new Supervisor(new Supervisor.Services() {
            @Override
            public void start(Component service) {
                startService(service);
            }

            @Override
            public boolean ready(Component service) {
                return Http.ok(ServiceEnv.readinessUrl(opt.port(service)));
            }

            @Override
            public void exited(Component service, ChildProcess process) {
                watchdog.forget(process.pid());
            }
        }, state, out, Backoff.DEFAULT, Supervisor.STABLE, System::nanoTime);
    }

    private static Map<String, Integer> topics() {
        Map<String, Integer> t = new LinkedHashMap<>();
        for (Component s : Component.services()) {
            t.put(s.key() + "-events", 3);
        }
        for (String name : List.copyOf(t.keySet())) {
            t.put(name + ".dlq", 1);
        }
        return t;
    }

    int run() {
        try {
            Files.createDirectories(logs);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + logs, e);
        }
        if (!state.tryLock()) {
            String pid = RunState.launcherPid(data).map(p -> " (launcher pid " + p + ")").orElse("");
            out.println("The platform is already running from " + data + pid + ".");
            out.println("  ./platform status   shows what runs");
            out.println("  ./platform down     stops it");
            out.println("(To run a second platform, give it another --data folder and other ports.)");
            return 2;
        }
        long t0 = System.nanoTime();
        int code = 0;
        try {
            Signals.onStop(this::requestStop);
            LauncherLogging.toFile(logs.resolve("launcher.log"));
            cleanUpStaleProcesses(data, out);
            state.writeLauncherPid(ProcessHandle.current().pid());
            state.set("launcher.pid", ProcessHandle.current().pid());
            state.set("launcher.started", Instant.now());
            state.set("data", data);
            for (Component c : Component.values()) {
                state.set("port." + c.key(), opt.port(c));
                state.set("state." + c.key(), opt.runs(c) ? "stopped" : "skipped");
            }
            state.save();

            List<Component> wanted = wanted();
            requireServiceJars();
            List<PortCheck.Conflict> conflicts = PortCheck.conflicts(opt.ports(), wanted);
            if (!conflicts.isEmpty()) {
                StringBuilder sb = new StringBuilder("Cannot start: ");
                sb.append(conflicts.size() == 1 ? "a port is" : "ports are").append(" already in use by another program:");
                for (PortCheck.Conflict c : conflicts) {
                    sb.append("\n  - ").append(c);
                }
                sb.append("\nFree ").append(conflicts.size() == 1 ? "it" : "them")
                        .append(" (see: ss -ltnp) or choose other ports, e.g. ")
                        .append(conflicts.get(0).component().portOption()).append(' ')
                        .append(conflicts.get(0).port() + 1000).append('.');
                throw new StartFailure(sb.toString(), null);
            }

            out.println("Starting the HyperAI platform (data: " + data + ")");
            if (opt.runs(Component.EXECUTION)) {
                ServiceEnv.sandboxWarning(ServiceEnv.executionRuntime(), Files.isExecutable(ServiceEnv.BWRAP))
                        .ifPresent(line -> out.println("  " + line));
            }
            byte[] realm = Keycloak.realm(home);
            Path kcHome;
            try {
                kcHome = Keycloak.distribution(data, home, this::say);
            } catch (RuntimeException e) {
                throw new StartFailure("Cannot get Keycloak " + Keycloak.VERSION + " (" + Keycloak.ARTIFACT
                        + " from Maven Central): " + e.getMessage(), null);
            }
            checkStop();
            watchdog = Watchdog.start();
            startPostgres();
            checkStop();
            startKafka();
            checkStop();
            startKeycloak(kcHome, realm);
            checkStop();
            startKubernetes();
            checkStop();
            startServices();
            long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0);
            state.set("launcher.ready", Instant.now());
            state.save();
            printSummary(seconds);
            monitor();
        } catch (Aborted e) {
            out.println("Start-up interrupted.");
            code = 130;
        } catch (StartFailure e) {
            out.println();
            out.println("FAILED: " + e.getMessage());
            if (e.log != null) {
                out.println("---- last lines of " + e.log + " ----");
                out.println(LogTail.of(e.log, 40));
                out.println("----");
            }
            code = 1;
        } catch (RuntimeException e) {
            out.println();
            out.println("FAILED: " + e);
            e.printStackTrace(out);
            code = 1;
        } finally {
            stopAll();
            state.deleteLauncherPid();
            state.unlock();
        }
        return code;
    }

    private List<Component> wanted() {
        List<Component> w = new ArrayList<>();
        for (Component c : Component.values()) {
            if (opt.runs(c)) {
                w.add(c);
            }
        }
        return w;
    }

    private void requireServiceJars() {
        List<String> missing = new ArrayList<>();
        for (Component s : Component.services()) {
            if (opt.runs(s) && !Files.isRegularFile(ServiceEnv.jar(home, s))) {
                missing.add(s.moduleName() + " (" + ServiceEnv.jar(home, s) + ")");
            }
        }
        if (!missing.isEmpty()) {
            throw new StartFailure("No runnable jar for " + String.join(", ", missing)
                    + ".\nBuild them with './mvnw -DskipTests install' (./platform does that when nothing is built),"
                    + "\nor start without them: --skip " + missing.stream().map(m -> m.substring(0, m.indexOf("-service")))
                            .collect(Collectors.joining(","))
                    + " (or --infra-only).", null);
        }
    }

    // ---------------------------------------------------------------- start

    private void startPostgres() {
        long t0 = System.nanoTime();
        say("PostgreSQL  starting on port " + opt.port(Component.POSTGRES) + " ...");
        try {
            postgres = PostgresServer.start(data.resolve("postgres"), opt.port(Component.POSTGRES));
        } catch (RuntimeException e) {
            throw new StartFailure("PostgreSQL did not start: " + firstLine(e), data.resolve("postgres.log"));
        }
        link("postgres.log", postgres.logFile());
        state.recordProcess(Component.POSTGRES, postgres.pid(), Procs.startMillis(postgres.pid()));
        for (Component s : Component.services()) {
            dbRoles.put(s, postgres.serviceRole(s.database()));
        }
        state.state(Component.POSTGRES, "ready");
        say(String.format("PostgreSQL  ready on localhost:%d (%.1f s; databases %s)", postgres.port(), secs(t0),
                Component.services().stream().map(Component::database).collect(Collectors.joining(", "))));
    }

    private void startKafka() {
        long t0 = System.nanoTime();
        say("Kafka       starting on port " + opt.port(Component.KAFKA) + " ...");
        try {
            kafka = KafkaBroker.start(data.resolve("kafka"), opt.port(Component.KAFKA));
        } catch (RuntimeException e) {
            throw new StartFailure("Kafka did not start: " + firstLine(e), data.resolve("kafka.log"));
        }
        link("kafka.log", kafka.logFile());
        state.recordProcess(Component.KAFKA, kafka.pid(), Procs.startMillis(kafka.pid()));
        try {
            kafka.createTopics(TOPICS);
        } catch (RuntimeException e) {
            throw new StartFailure("Kafka topics could not be created: " + firstLine(e), kafka.logFile());
        }
        state.state(Component.KAFKA, "ready");
        say(String.format("Kafka       ready on %s (%.1f s; %d topics)", kafka.bootstrapServers(), secs(t0),
                TOPICS.size()));
    }

    private void startKeycloak(Path kcHome, byte[] realm) {
        long t0 = System.nanoTime();
        int port = opt.port(Component.KEYCLOAK);
        String hash = Keycloak.prepareImport(kcHome, realm, state.dir(), this::say);
        boolean firstStart = !Files.exists(kcHome.resolve("data/h2"));
        say("Keycloak    starting on port " + port + (firstStart ? " (first start: about 1-2 minutes) ..." : " ..."));
        keycloak = ChildProcess.start("keycloak", Keycloak.command(kcHome, port), Keycloak.environment(), kcHome,
                logs.resolve(Component.KEYCLOAK.logName()));
        watchdog.watch(keycloak.pid());
        state.recordProcess(Component.KEYCLOAK, keycloak.pid(), keycloak.startMillis());
        state.state(Component.KEYCLOAK, "starting");
        long deadline = System.nanoTime() + opt.timeout().toNanos();
        long nextNote = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Http.ok(Keycloak.readinessUrl(port))) {
            checkStop();
            if (!keycloak.isAlive()) {
                throw new StartFailure("Keycloak exited with code " + keycloak.exitCode() + " before it was ready",
                        keycloak.log());
            }
            if (System.nanoTime() > deadline) {
                throw new StartFailure("Keycloak was not ready within " + opt.timeout().toSeconds() + " s ("
                        + Keycloak.readinessUrl(port) + ")", keycloak.log());
            }
            if (System.nanoTime() > nextNote) {
                say(String.format("Keycloak    still starting (%.0f s) ...", secs(t0)));
                nextNote = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            }
            Procs.sleep(500);
        }
        Keycloak.markImported(state.dir(), hash);
        state.state(Component.KEYCLOAK, "ready");
        say(String.format("Keycloak    ready on http://localhost:%d (%.1f s; realm %s)", port, secs(t0),
                Keycloak.REALM));
    }

    private void startKubernetes() {
        long t0 = System.nanoTime();
        int port = opt.port(Component.K8S);
        try {
            k8s = KubernetesApiServer.start(port);
            k8s.createNamespace(ServiceEnv.EXECUTION_NAMESPACE);
            kubelet = new FakeKubelet(k8s.client(), ServiceEnv.EXECUTION_NAMESPACE).start();
            kubelet.endHomeSaves();
        } catch (RuntimeException e) {
            throw new StartFailure("The Kubernetes API (mock) did not start on port " + port + ": " + firstLine(e),
                    logs.resolve("launcher.log"));
        }
        state.recordProcess(Component.K8S, ProcessHandle.current().pid(), Procs.startMillis(ProcessHandle.current().pid()));
        state.state(Component.K8S, "ready");
        say(String.format("Kubernetes  ready on %s (%.1f s; in-memory mock, fake kubelet on namespace %s)", k8s.url(),
                secs(t0), ServiceEnv.EXECUTION_NAMESPACE));
    }

    private Map<String, String> env(Component s) {
        PostgresServer.Role role = dbRoles.get(s);
        return ServiceEnv.of(s, opt.ports(), data, role.user(), role.password(), k8s.url());
    }

    private void startServices() {
        for (Component s : Component.services()) {
            if (!opt.runs(s)) { // to be run by hand (quarkus:dev), which needs its database role like the rest
                ServiceEnv.writeEnvFile(ServiceEnv.envFile(state.dir(), s), env(s));
            }
        }
        List<Component> todo = Component.services().stream().filter(opt::runs).collect(Collectors.toList());
        if (todo.isEmpty()) {
            return;
        }
        long t0 = System.nanoTime();
        try {
            Files.createDirectories(data.resolve("warehouse"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (Component s : todo) {
            startService(s);
        }
        say("Services    starting: " + todo.stream().map(s -> s.moduleName() + ":" + opt.port(s))
                .collect(Collectors.joining(", ")) + " ...");
        awaitReady(todo, t0);
    }

    private void startService(Component s) {
        String javaOpts = System.getenv().getOrDefault(ServiceEnv.JAVA_OPTS_ENV, ServiceEnv.DEFAULT_JAVA_OPTS);
        Path javaHome = Path.of(System.getProperty("java.home"));
        ChildProcess p = ChildProcess.start(s.moduleName(),
                ServiceEnv.command(javaHome, javaOpts, ServiceEnv.jar(home, s)), env(s), data,
                logs.resolve(s.logName()));
        services.put(s, p);
        watchdog.watch(p.pid());
        state.recordProcess(s, p.pid(), p.startMillis());
        state.state(s, "starting");
        supervisor.watch(s, p);
    }

    private void awaitReady(List<Component> todo, long t0) {
        Set<Component> pending = EnumSet.copyOf(todo);
        long deadline = System.nanoTime() + opt.timeout().toNanos();
        while (!pending.isEmpty()) {
            checkStop();
            for (Component s : List.copyOf(pending)) {
                ChildProcess p = services.get(s);
                if (Http.ok(ServiceEnv.readinessUrl(opt.port(s)))) {
                    pending.remove(s);
                    state.state(s, "ready");
                    say(String.format("%-11s ready on %s (%.1f s)", s.key(), ServiceEnv.baseUrl(opt.port(s)), secs(t0)));
                } else if (!p.isAlive()) {
                    state.state(s, "exited");
                    throw new StartFailure(s.moduleName() + " exited with code " + p.exitCode()
                            + " before it was ready", p.log());
                }
            }
            if (!pending.isEmpty() && System.nanoTime() > deadline) {
                Component first = pending.iterator().next();
                int status = Http.status(ServiceEnv.readinessUrl(opt.port(first)));
                throw new StartFailure(pending.stream().map(Component::moduleName).collect(Collectors.joining(", "))
                        + " not ready within " + opt.timeout().toSeconds() + " s (" + first.moduleName() + ": "
                        + ServiceEnv.readinessUrl(opt.port(first)) + " answered "
                        + (status < 0 ? "nothing" : "HTTP " + status) + ")", services.get(first).log());
            }
            if (!pending.isEmpty()) {
                Procs.sleep(500);
            }
        }
    }

    // ---------------------------------------------------------------- running

    private void printSummary(long seconds) {
        int kc = opt.port(Component.KEYCLOAK);
        out.println();
        out.println("HyperAI platform is up (" + seconds + " s). Data: " + data);
        out.println();
        for (Component s : Component.services()) {
            String url = ServiceEnv.baseUrl(opt.port(s));
            if (opt.runs(s)) {
                out.printf("  %-18s %-24s (API /api/v1, OpenAPI /q/openapi, health /q/health)%n", s.moduleName(), url);
            } else {
                out.printf("  %-18s %-24s (skipped; its environment: set -a; . %s; set +a)%n", s.moduleName(), url,
                        ServiceEnv.envFile(state.dir(), s));
            }
        }
        out.printf("  %-18s %-24s (realm %s: alice/alice, bob/bob, admin/admin; console /admin: admin/admin)%n",
                "Keycloak", "http://localhost:" + kc, Keycloak.REALM);
        out.printf("  %-18s %-24s (databases %s, each with its own role; passwords in %s)%n", "PostgreSQL",
                "localhost:" + postgres.port(),
                Component.services().stream().map(Component::database).collect(Collectors.joining(", ")),
                postgres.passwordFile());
        out.printf("  %-18s %-24s (topics <service>-events and <topic>.dlq)%n", "Kafka", kafka.bootstrapServers());
        out.printf("  %-18s %-24s (in-memory mock; namespace %s)%n", "Kubernetes API", k8s.url(),
                ServiceEnv.EXECUTION_NAMESPACE);
        out.printf("  %-18s %s%n", "Executions run as", "local".equals(ServiceEnv.executionRuntime())
                ? "local processes in bubblewrap sandboxes (HYPERAI_EXECUTION_RUNTIME=kubernetes: pods on the mock)"
                : "pods on the Kubernetes API with a fake kubelet, which only plays them: no code runs");
        out.println();
        out.println("Token for alice (password grant, client hyperai-cli):");
        out.println("  " + tokenCurl(kc, "alice", "alice"));
        out.println("Use it:  curl -H \"Authorization: Bearer $TOKEN\" "
                + ServiceEnv.baseUrl(opt.port(Component.GEAR)) + "/api/v1/...");
        out.println();
        out.println("Logs:    " + logs + "/  (<name>.log; launcher.log for the launcher itself)");
        out.println("Stop:    Ctrl-C here, or ./platform down" + (isDefaultData() ? "" : " --data " + data));
        out.flush();
    }

    static String tokenCurl(int keycloakPort, String user, String password) {
        return "TOKEN=$(curl -s -d grant_type=password -d client_id=hyperai-cli -d username=" + user
                + " -d password=" + password + " " + Keycloak.tokenUrl(keycloakPort)
                + " | sed -E 's/.*\"access_token\":\"([^\"]+)\".*/\\1/'); echo $TOKEN";
    }

    private boolean isDefaultData() {
        return data.equals(home.resolve(Options.DEFAULT_DATA_DIR).toAbsolutePath().normalize());
    }

    /**
     * Waits for a stop request; restarts a service that exits on its own ({@link Supervisor}) and reports Keycloak or
     * Kafka exiting (the others keep running).
     */
    private void monitor() {
        while (true) {
            try {
                if (stopRequested.await(500, TimeUnit.MILLISECONDS)) {
                    return;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Restart.pending(data).ifPresent(this::restart);
            if (!stopping) {
                supervisor.tick();
            }
            if (keycloak != null && !keycloak.isAlive() && reportedExit.add(Component.KEYCLOAK) && !stopping) {
                state.state(Component.KEYCLOAK, "exited");
                watchdog.forget(keycloak.pid());
                out.println();
                out.println("!! " + keycloak.name() + " exited with code " + keycloak.exitCode()
                        + " (the rest keeps running; Ctrl-C stops all). Last lines of " + keycloak.log() + ":");
                out.println(LogTail.of(keycloak.log(), 20));
                out.flush();
            }
            if (kafka != null && !kafka.isRunning() && reportedExit.add(Component.KAFKA) && !stopping) {
                state.state(Component.KAFKA, "exited");
                out.println("!! The Kafka broker exited; see " + kafka.logFile());
            }
        }
    }

    /**
     * {@code ./platform restart}: stops the component if it still runs (gracefully, like {@code down}), starts it again
     * on the same port and data, and waits until it is ready. Runs on the monitor thread, so exits are not reported
     * meanwhile.
     */
    private void restart(Component c) {
        long t0 = System.nanoTime();
        state.state(c, Restart.RESTARTING);
        try {
            Files.deleteIfExists(Restart.requestFile(data, c));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.println("Restarting " + c.displayName() + " (asked by ./platform restart) ...");
        try {
            if (c == Component.POSTGRES) {
                postgres.close(); // pg_ctl stop, or nothing when it was killed; the data directory stays
                postgres = PostgresServer.start(data.resolve("postgres"), opt.port(Component.POSTGRES));
                state.recordProcess(c, postgres.pid(), Procs.startMillis(postgres.pid()));
                state.state(c, "ready");
            } else if (c == Component.KAFKA) {
                kafka.restart(); // same data and ports; a broker killed from outside is just started
                state.recordProcess(c, kafka.pid(), Procs.startMillis(kafka.pid()));
                state.state(c, "ready");
            } else {
                ChildProcess old = services.remove(c);
                if (old != null) {
                    stopChild(c, old, SERVICE_STOP_GRACE);
                }
                startService(c);
                awaitReady(List.of(c), t0);
            }
            reportedExit.remove(c);
            say(String.format("Restarted %s (%.1f s)", c.displayName(), secs(t0)));
        } catch (RuntimeException e) {
            state.state(c, Restart.FAILED);
            out.println("!! Restarting " + c.displayName() + " failed: " + firstLine(e));
            out.flush();
        }
    }

    private void requestStop() {
        if (!stopping) {
            stopping = true;
            out.println();
            out.println("Stopping the platform ...");
            out.flush();
        }
        stopRequested.countDown();
    }

    private void checkStop() {
        if (stopping) {
            throw new Aborted();
        }
    }

    // ---------------------------------------------------------------- stop

    /** Reverse order; every step is bounded and runs even if an earlier one failed. */
    private void stopAll() {
        stopping = true;
        long t0 = System.nanoTime();
        boolean any = watchdog != null;
        if (!services.isEmpty()) {
            List<Thread> threads = new ArrayList<>();
            for (Map.Entry<Component, ChildProcess> e : services.entrySet()) {
                Thread t = new Thread(() -> stopChild(e.getKey(), e.getValue(), SERVICE_STOP_GRACE),
                        "stop-" + e.getKey().key());
                t.start();
                threads.add(t);
            }
            for (Thread t : threads) {
                join(t);
            }
            services.clear();
        }
        if (kubelet != null || k8s != null) {
            step("Kubernetes API", () -> {
                if (kubelet != null) {
                    kubelet.close();
                }
                if (k8s != null) {
                    k8s.close();
                }
            });
            kubelet = null;
            k8s = null;
            state.forgetProcess(Component.K8S);
            state.state(Component.K8S, "stopped");
        }
        if (keycloak != null) {
            stopChild(Component.KEYCLOAK, keycloak, KEYCLOAK_STOP_GRACE);
            keycloak = null;
        }
        if (kafka != null) {
            KafkaBroker k = kafka;
            step("Kafka", k::stop);
            kafka = null;
            state.forgetProcess(Component.KAFKA);
            state.state(Component.KAFKA, "stopped");
        }
        if (postgres != null) {
            PostgresServer p = postgres;
            step("PostgreSQL", p::close);
            postgres = null;
            state.forgetProcess(Component.POSTGRES);
            state.state(Component.POSTGRES, "stopped");
        }
        if (watchdog != null) {
            watchdog.close();
            watchdog = null;
        }
        if (any) {
            out.printf("Stopped everything in %.1f s.%n", secs(t0));
            out.flush();
        }
    }

    private void stopChild(Component c, ChildProcess p, Duration grace) {
        long t0 = System.nanoTime();
        boolean clean = p.isAlive() ? p.stop(grace) : true;
        if (watchdog != null) {
            watchdog.forget(p.pid());
        }
        state.forgetProcess(c);
        state.state(c, "stopped");
        say(String.format("Stopped %s (%.1f s%s)", p.name(), secs(t0),
                clean ? "" : ", killed after " + grace.toSeconds() + " s"));
    }

    private void step(String what, Runnable r) {
        long t0 = System.nanoTime();
        try {
            r.run();
            say(String.format("Stopped %s (%.1f s)", what, secs(t0)));
        } catch (RuntimeException e) {
            say("Stopping " + what + " failed: " + e);
        }
    }

    /**
     * Stops what a launcher that died without cleaning up (e.g. {@code kill -9}) left behind, as recorded in
     * {@code run/platform.properties}: Keycloak, the services and the Kafka broker, if they still run and are the very
     * processes recorded (same start time). PostgreSQL cleans up after itself on its next start.
     */
    static void cleanUpStaleProcesses(Path dataDir, PrintStream out) {
        Properties old = RunState.read(dataDir);
        List<Thread> threads = new ArrayList<>();
        for (Component c : Component.values()) {
            if (c == Component.POSTGRES || c == Component.K8S) {
                continue;
            }
            String pidText = old.getProperty("pid." + c.key());
            if (pidText == null) {
                continue;
            }
            long pid = Procs.readPid(pidText).orElse(-1L);
            long start = Long.parseLong(old.getProperty("pidstart." + c.key(), "0"));
            if (pid > 0 && Procs.isSameProcess(pid, start)) {
                out.println("Stopping " + c.displayName() + " (pid " + pid + ") left running by an earlier launcher");
                Thread t = new Thread(() -> Procs.stopTree(pid, Duration.ofSeconds(15)));
                t.start();
                threads.add(t);
            }
        }
        threads.forEach(Up::join);
    }

    // ---------------------------------------------------------------- helpers

    private void say(String line) {
        out.println("  " + line);
        out.flush();
    }

    /** {@code logs/<name>} points at a log the library keeps next to its data directory. */
    private void link(String name, Path target) {
        Path link = logs.resolve(name);
        try {
            if (Files.isSymbolicLink(link) || !Files.exists(link)) {
                Files.deleteIfExists(link);
                Files.createSymbolicLink(link, logs.relativize(target));
            }
        } catch (IOException | UnsupportedOperationException e) {
            // only a convenience
        }
    }

    private static double secs(long t0) {
        return (System.nanoTime() - t0) / 1e9;
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }

    private static void join(Thread t) {
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
