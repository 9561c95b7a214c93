package io.hyperai.infra;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.jboss.logging.Logger;

/**
 * A packaged Quarkus service ({@code target/quarkus-app/quarkus-run.jar}) running as its own JVM,
 * configured through its environment, for tests that need several services as separate processes.
 * A small watcher kills it if this JVM dies, so a killed test leaves no service behind.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ServiceProcess.class);

    private final String name;
    private final Path jar;
    private final Map<String, String> env;
    private final Path log;
    private final int port;
    private Process process;
    private Process watcher;

    private ServiceProcess(String name, Path jar, Map<String, String> env, Path log, int port) {
        this.name = name;
        this.jar = jar;
        this.env = env;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts {@code jar} with {@code env} (QUARKUS_HTTP_PORT is set to a free port unless given) and
     * waits until {@code /q/health/ready} answers 200.
     */
    public static ServiceProcess start(String name, Path jar, Map<String, String> env, Path log, Duration readyWithin) {
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(name + ": " + jar + " does not exist; package the service first");
        }
        Map<String, String> environment = new HashMap<>(env);
        int port = Integer.parseInt(environment.computeIfAbsent("QUARKUS_HTTP_PORT", k -> String.valueOf(Ports.freePort())));
        ServiceProcess service = new ServiceProcess(name, jar, Map.copyOf(environment), log, port);
        service.launch();
        service.awaitReady(readyWithin);
        return service;
    }

    private void launch() {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", jar.toString()));
        try {
            Files.createDirectories(log.toAbsolutePath().getParent());
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
            builder.environment().putAll(env);
            process = builder.start();
            watcher = Processes.killWhenParentDies(process.pid(), name);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
        LOG.infof("%s starting on port %d (pid %d, log %s)", name, port, process.pid(), log);
    }

    public void awaitReady(Duration within) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(URI.create(url() + "/q/health/ready"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(250);
        }
        throw new IllegalStateException(name + " was not ready within " + within + "; see " + log);
    }

    public String url() {
        return "http://localhost:" + port;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Path log() {
        return log;
    }

    public boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** kill -9: no shutdown hook, no graceful close of anything. */
    public void kill() {
        stopWatcher();
        process.destroyForcibly();
        waitFor(Duration.ofSeconds(10));
        LOG.infof("%s killed", name);
    }

    /** SIGTERM, then kill after a grace period. */
    public void stop() {
        if (process == null || !process.isAlive()) {
            stopWatcher();
            return;
        }
        stopWatcher();
        process.destroy();
        if (!waitFor(Duration.ofSeconds(20))) {
            process.destroyForcibly();
            waitFor(Duration.ofSeconds(10));
        }
    }

    /** Starts the same jar again on the same port with the same environment. */
    public void restart(Duration readyWithin) {
        stop();
        launch();
        awaitReady(readyWithin);
    }

    private boolean waitFor(Duration duration) {
        try {
            return process.waitFor(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void stopWatcher() {
        if (watcher != null) {
            watcher.destroyForcibly();
            watcher = null;
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return name + "@" + url();
    }
}
