package io.hyperai.test;

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

/**
 * Packaged services ({@code <service>/target/quarkus-app}) as separate JVMs on the shared
 * PostgreSQL, Kafka and OIDC provider, each knowing the others' URLs, the way {@code ./platform up}
 * runs them. Logs and data go under the calling module's {@code target/}; the project root comes
 * from the {@code hyperai.root} system property (failsafe sets it).
 */
public final class PackagedServices implements AutoCloseable {

    public static final List<String> ALL = List.of("gear", "execution", "warehouse", "storage", "billing");

    private final String module;
    private final Map<String, Integer> ports = new LinkedHashMap<>();
    private final Map<String, ServiceProcess> running = new LinkedHashMap<>();

    private PackagedServices(String module, List<String> names, Map<String, Map<String, String>> overrides) {
        this.module = module;
        List<Integer> free = Ports.freePorts(ALL.size());
        for (int i = 0; i < ALL.size(); i++) {
            ports.put(ALL.get(i), free.get(i));
        }
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        for (String name : names) {
            Map<String, String> env = environment(name);
            env.putAll(overrides.getOrDefault(name, Map.of()));
            starting.add(CompletableFuture.supplyAsync(() -> ServiceProcess.start(name + "-service", jar(name), env,
                    target().resolve("logs/" + name + "-service.log"), Duration.ofSeconds(180))));
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

    /** Starts {@code names} for the tests of {@code module} (the folder whose target/ gets the logs). */
    public static PackagedServices start(String module, String... names) {
        return new PackagedServices(module, List.of(names), Map.of());
    }

    /**
     * As {@link #start(String, String...)}; {@code overrides} adds or replaces environment variables per
     * service (for example {@code "billing" -> {HYPERAI_BILLING_INTERVAL=10s}}).
     */
    public static PackagedServices start(String module, Map<String, Map<String, String>> overrides, String... names) {
        return new PackagedServices(module, List.of(names), overrides);
    }

    public ServiceProcess get(String name) {
        return running.get(name);
    }

    public String url(String name) {
        return "http://localhost:" + ports.get(name);
    }

    private Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>();
        PlatformTestResource.configFor(name + "-service").forEach((key, value) -> env.put(envName(key), value));
        env.put("QUARKUS_HTTP_PORT", String.valueOf(ports.get(name)));
        for (String other : ALL) {
            env.put("HYPERAI_" + other.toUpperCase(Locale.ROOT) + "_URL", url(other));
        }
        env.put("HYPERAI_WAREHOUSE_STORAGE_ROOT", target().resolve("warehouse").toString());
        env.put("HYPERAI_DATA_DIR", dataDir().toString());
        // cross-service tests want events promptly
        env.put("HYPERAI_OUTBOX_POLL_INTERVAL", "0.1s");
        return env;
    }

    /** {@code quarkus.oidc-client.credentials.secret} → {@code QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET}. */
    public static String envName(String property) {
        return property.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    public static Path root() {
        return Path.of(System.getProperty("hyperai.root", "..")).toAbsolutePath().normalize();
    }

    /** {@code HYPERAI_DATA_DIR} of every service started here. */
    public Path dataDir() {
        return target().resolve("data");
    }

    private Path target() {
        return root().resolve(module).resolve("target");
    }

    private static Path jar(String name) {
        return root().resolve(name + "-service/target/quarkus-app/quarkus-run.jar");
    }

    @Override
    public void close() {
        running.values().parallelStream().forEach(ServiceProcess::close);
    }
}
