package io.hyperai.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.hyperai.infra.Ports;
import io.hyperai.infra.ServiceProcess;
import io.hyperai.test.PlatformTestResource;

/**
 * The packaged services as separate JVMs on the shared PostgreSQL, Kafka and OIDC test provider,
 * each knowing the others' URLs: a copy of platform-it's {@code Services}, logging to this module's
 * {@code target/logs}.
 */
final class PlatformServices implements AutoCloseable {

    static final List<String> ALL = List.of("gear", "execution", "warehouse", "storage", "billing");

    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> running = new LinkedHashMap<>();

    private PlatformServices(List<String> names) {
        for (String name : ALL) {
            ports.put(name, Ports.freePort());
        }
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        for (String name : names) {
            Map<String, String> env = environment(name);
            starting.add(CompletableFuture.supplyAsync(() -> ServiceProcess.start(name + "-service", jar(name), env,
                    root().resolve("hyperai-cli/target/logs/" + name + "-service.log"), Duration.ofSeconds(180))));
        }
        try {
            for (int i = 0; i < names.size(); i++) {
                running.put(names.get(i), starting.get(i).join());
            }
        } catch (RuntimeException e) {
            starting.forEach(f -> f.thenAccept(ServiceProcess::close));
            throw e;
        }
    }

    static PlatformServices start(String... names) {
        return new PlatformServices(List.of(names));
    }

    String url(String name) {
        return "http://localhost:" + ports.get(name);
    }

    private Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>();
        PlatformTestResource.configFor(name + "-service").forEach((key, value) -> env.put(envName(key), value));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(name)));
        for (String other : ALL) {
            env.put("HYPERAI_" + other.toUpperCase(Locale.ROOT) + "_URL", url(other));
        }
        env.put("HYPERAI_WAREHOUSE_STORAGE_ROOT", root().resolve("hyperai-cli/target/warehouse").toString());
        env.put("HYPERAI_DATA_DIR", root().resolve("hyperai-cli/target/data").toString());
        env.put("HYPERAI_OUTBOX_POLL_INTERVAL", "0.1s");
        return env;
    }

    static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    static Path root() {
        return Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize();
    }

    private static Path jar(String name) {
        return root().resolve(name + "-service/target/quarkus-app/quarkus-run.jar");
    }

    @Override
    public void close() {
        running.values().parallelStream().forEach(ServiceProcess::close);
    }
}
