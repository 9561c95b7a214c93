package io.hyperai.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import io.hyperai.infra.Ports;
import io.hyperai.infra.Processes;

/**
 * The Keycloak that {@code ./platform up} runs (the same distribution from Maven Central, the same
 * realm file, {@code start-dev}), unpacked into {@code target/} and started on free ports for a test.
 * Its development database is deleted first, so the realm is imported fresh every time.
 */
final class KeycloakServer implements AutoCloseable {

    private final Process process;
    private final Process watcher;
    private final int port;
    private final Path log;

    private KeycloakServer(Process process, int port, Path log) {
        this.process = process;
        this.watcher = Processes.killWhenParentDies(process.pid(), "keycloak");
        this.port = port;
        this.log = log;
    }

    /**
     * @param tarball {@code keycloak-quarkus-dist-<version>.tar.gz}
     * @param realm the realm JSON to import
     * @param workDir where the distribution is unpacked (kept between runs: its first start builds it)
     */
    static KeycloakServer start(Path tarball, Path realm, Path workDir, Duration readyWithin) throws Exception {
        String name = tarball.getFileName().toString().replace("-quarkus-dist", "").replace(".tar.gz", "");
        Path home = workDir.resolve(name);
        if (!Files.isRegularFile(home.resolve("bin/kc.sh"))) {
            Files.createDirectories(workDir);
            Process tar = new ProcessBuilder("tar", "xzf", tarball.toString(), "-C", workDir.toString()).inheritIO().start();
            if (tar.waitFor() != 0 || !Files.isRegularFile(home.resolve("bin/kc.sh"))) {
                throw new IllegalStateException("cannot unpack " + tarball + " into " + workDir);
            }
        }
        delete(home.resolve("data/h2"));
        Files.createDirectories(home.resolve("data/import"));
        Files.copy(realm, home.resolve("data/import").resolve(realm.getFileName()),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        int port = Ports.freePort();
        Path log = workDir.resolve("keycloak.log");
        ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/kc.sh").toString(), "start-dev",
                "--http-port=" + port, "--http-management-port=" + Ports.freePort(), "--import-realm"))
                .redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().put("KC_BOOTSTRAP_ADMIN_USERNAME", "admin");
        builder.environment().put("KC_BOOTSTRAP_ADMIN_PASSWORD", "admin");
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        KeycloakServer server = new KeycloakServer(builder.start(), port, log);
        try {
            server.awaitReady(readyWithin);
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    String baseUrl() {
        return "http://localhost:" + port;
    }

    String issuer() {
        return baseUrl() + "/realms/hyperai";
    }

    private void awaitReady(Duration within) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Keycloak exited with " + process.exitValue() + "; see " + log);
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(issuer()
                        + "/.well-known/openid-configuration")).timeout(Duration.ofSeconds(2)).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("Keycloak was not ready within " + within + "; see " + log);
    }

    private static void delete(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> paths = Files.walk(root)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Override
    public void close() {
        watcher.destroyForcibly();
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
