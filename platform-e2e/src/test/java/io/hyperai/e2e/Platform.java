package io.hyperai.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.hyperai.infra.Ports;
import io.hyperai.infra.PostgresServer;

/**
 * The whole platform as {@code ./platform up} starts it: {@code java -jar platform-launcher.jar up} on free ports with
 * its data under {@code target/platform}, started once per test JVM and stopped with {@code down}. Faults go through
 * the launcher too: {@link #kill} sends SIGKILL to the pid it recorded, {@link #restart} is {@code ./platform restart}.
 */
public final class Platform implements AutoCloseable {

    static final List<String> COMPONENTS = List.of("postgres", "kafka", "keycloak", "k8s", "gear", "execution",
            "warehouse", "storage", "billing");
    public static final List<String> SERVICES = List.of("gear", "execution", "warehouse", "storage", "billing");
    /** Whether executions can run as real sandboxed processes here (what the tests that run code need). */
    static final boolean LOCAL_RUNTIME = Files.isExecutable(Path.of("/usr/bin/bwrap")) && E2e.onPath("jupyter-notebook");
    /**
     * Short charge intervals, so that metering and exhaustion happen within a test (docs/billing.md); the local runtime
     * whatever the caller's environment says.
     */
    static final Map<String, String> ENVIRONMENT = Map.of("HYPERAI_BILLING_INTERVAL", "10s",
            "HYPERAI_BILLING_ACCRUAL_PERIOD", "10s", "HYPERAI_EXECUTION_RUNTIME", LOCAL_RUNTIME ? "local" : "kubernetes",
            // idle policies of a few seconds, read every second (IdleIT)
            "HYPERAI_EXECUTION_IDLE_CHECK", "1s", "HYPERAI_EXECUTION_IDLE_MINIMUM", "5s",
            // a fresh data directory each run: class data archives would cost their writing and never be used
            "HYPERAI_SERVICE_CLASS_ARCHIVES", "off");
    private static final Duration START_TIMEOUT = Duration.ofMinutes(10);

    private final Path root;
    private final Path data;
    private final Path launcherLog;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private Process launcher;
    private final long startedMillis;

    private Platform(Path root) {
        this.root = root;
        Path target = root.resolve("platform-e2e/target");
        this.data = target.resolve("platform");
        this.launcherLog = target.resolve("platform-launcher.out");
        for (String c : COMPONENTS) {
            int p;
            do {
                p = Ports.freePort();
            } while (ports.containsValue(p));
            ports.put(c, p);
        }
        long t0 = System.nanoTime();
        freshData();
        start();
        this.startedMillis = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("e2e: platform up in %.1f s (data %s, ports %s)%n", startedMillis / 1e3, data, ports);
    }

    static Platform start(Path root) {
        return new Platform(root);
    }

    /** A platform of its own each run; Keycloak's unpacked distribution (and its realm) is kept to save a minute. */
    private void freshData() {
        if (!Files.isDirectory(data)) {
            return;
        }
        run("down"); // a platform an aborted run left behind
        try (Stream<Path> top = Files.list(data)) {
            for (Path p : top.toList()) {
                if (!p.getFileName().toString().startsWith("keycloak-")) {
                    deleteTree(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void start() {
        List<String> cmd = launcherCommand();
        cmd.add("up");
        cmd.addAll(List.of("--data", data.toString(), "--timeout", "600"));
        ports.forEach((c, p) -> cmd.addAll(List.of("--" + c + "-port", p.toString())));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(launcherLog.toFile()))
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        pb.environment().putAll(ENVIRONMENT);
        try {
            Files.createDirectories(launcherLog.getParent());
            Files.writeString(launcherLog, "");
            launcher = pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the launcher: " + cmd, e);
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "e2e-platform-down"));
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (!log().contains("HyperAI platform is up")) {
            if (!launcher.isAlive() || System.nanoTime() > deadline) {
                close();
                throw new IllegalStateException("The platform did not start:\n" + log());
            }
            sleep(500);
        }
    }

    private List<String> launcherCommand() {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Dhyperai.home=" + root));
        String m2 = System.getProperty("hyperai.m2");
        if (m2 != null && !m2.isBlank()) {
            cmd.add("-Dmaven.repo.local=" + m2); // where the build put Keycloak's distribution
        }
        cmd.addAll(List.of("-jar", root.resolve("platform-launcher/target/platform-launcher.jar").toString()));
        return cmd;
    }

    /** Runs a launcher command ({@code down}, {@code restart billing}, ...) against this platform's data. */
    String run(String... args) {
        List<String> cmd = launcherCommand();
        cmd.addAll(List.of(args));
        cmd.addAll(List.of("--data", data.toString(), "--timeout", "300"));
        try {
            Process p = new ProcessBuilder(cmd).directory(root.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", args) + " failed:\n" + out + "\n" + log());
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** SIGKILL to the component's process as the launcher recorded it; returns its pid. */
    public long kill(String component) {
        long pid = pid(component);
        ProcessHandle.of(pid).ifPresent(h -> { // the process only, as kill -9 does: its children fend for themselves
            h.destroyForcibly();
            h.onExit().join();
        });
        return pid;
    }

    /** {@code ./platform restart <component>}: the launcher starts it again and waits until it is ready. */
    public void restart(String component) {
        run("restart", component);
    }

    /**
     * Waits until the launcher has started a service it found dead again by itself (a pid other than {@code killed},
     * ready); returns how long that took.
     */
    public Duration awaitBack(String service, long killed) {
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofMinutes(3).toNanos();
        while (true) {
            Properties p = state();
            String pid = p.getProperty("pid." + service, "");
            if (!pid.equals(Long.toString(killed)) && "ready".equals(p.getProperty("state." + service))) {
                return Duration.ofNanos(System.nanoTime() - t0);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(service + " did not come back within 3 minutes: " + p + "\n" + log());
            }
            sleep(200);
        }
    }

    /** The launcher's lines about restarting {@code service} after it exited on its own, oldest first. */
    public List<String> restartLines(String service) {
        return log().lines().filter(l -> l.startsWith(service + "-service exited (code ")).toList();
    }

    public long pid(String component) {
        Properties p = state();
        String pid = p.getProperty("pid." + component);
        if (pid == null) {
            throw new IllegalStateException("No pid recorded for " + component + ": " + p);
        }
        return Long.parseLong(pid.trim());
    }

    private Properties state() {
        Properties p = new Properties();
        try (var r = Files.newBufferedReader(data.resolve("run/platform.properties"))) {
            p.load(r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    public String url(String service) {
        return "http://localhost:" + ports.get(service);
    }

    public int port(String component) {
        return ports.get(component);
    }

    public String keycloak() {
        return url("keycloak");
    }

    public String kafkaBootstrap() {
        return "localhost:" + ports.get("kafka");
    }

    public Path data() {
        return data;
    }

    long startedMillis() {
        return startedMillis;
    }

    /** JDBC to database {@code name} as the superuser, whose password the launcher's PostgreSQL generated. */
    public Connection db(String name) {
        try {
            return DriverManager.getConnection("jdbc:postgresql://localhost:" + ports.get("postgres") + "/" + name,
                    PostgresServer.USERNAME, PostgresServer.superuserPassword(data.resolve("postgres")));
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    String log() {
        try {
            return Files.readString(launcherLog);
        } catch (IOException e) {
            return "";
        }
    }

    /** What {@code service}'s {@code /q/health/live} answers, on one line (or why it answered nothing). */
    String liveness(String service) {
        try {
            return io.restassured.RestAssured.get(url(service) + "/q/health/live").then().extract().asString()
                    .replaceAll("\\s+", " ");
        } catch (RuntimeException e) {
            return "no answer: " + e;
        }
    }

    /** The last {@code n} warnings and errors of each log under the data's {@code logs/}, each prefixed by its file. */
    List<String> lastWarnings(int n) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> logs = Files.list(data.resolve("logs"))) {
            for (Path log : logs.filter(f -> f.toString().endsWith(".log")).sorted().toList()) {
                List<String> warnings = Files.readAllLines(log, java.nio.charset.StandardCharsets.ISO_8859_1).stream()
                        .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
                warnings.subList(Math.max(0, warnings.size() - n), warnings.size())
                        .forEach(l -> out.add(log.getFileName() + ": " + l));
            }
        } catch (IOException e) {
            out.add("cannot read the logs: " + e);
        }
        return out;
    }

    /** {@code down}; the launcher stops everything in reverse order. Idempotent. */
    @Override
    public synchronized void close() {
        if (launcher == null) {
            return;
        }
        long t0 = System.nanoTime();
        launcher.destroy(); // SIGTERM: what ./platform down sends
        try {
            if (!launcher.waitFor(3, TimeUnit.MINUTES)) {
                launcher.destroyForcibly(); // its watchdog then stops the children
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        launcher = null;
        System.out.printf("e2e: platform down in %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (Stream<Path> all = Files.walk(p)) {
            for (Path f : all.sorted(Comparator.reverseOrder()).toList()) {
                f.toFile().setWritable(true);
                Files.deleteIfExists(f);
            }
        }
    }
}
