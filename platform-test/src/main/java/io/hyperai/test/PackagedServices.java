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
import io.hyperai.infra.RoundRobin;
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
    private final Map<String, List<ServiceProcess>> running = new LinkedHashMap<>();
    private final List<RoundRobin> entries = new ArrayList<>();

    private PackagedServices(String module, List<String> names, Map<String, Map<String, String>> overrides,
            java.util.function.ToIntFunction<String> replicasOf) {
        this.module = module;
        List<Integer> free = Ports.freePorts(ALL.size() + names.stream().mapToInt(replicasOf).sum());
        for (int i = 0; i < ALL.size(); i++) {
            ports.put(ALL.get(i), free.get(i));
        }
        // with replicas, each service's port is a round-robin entry in front of its instances' own ports
        Map<String, List<Integer>> instancePorts = new LinkedHashMap<>();
        int next = ALL.size();
        for (String name : names) {
            int replicas = replicasOf.applyAsInt(name);
            List<Integer> own = new ArrayList<>();
            for (int r = 0; r < replicas; r++) {
                own.add(replicas == 1 ? ports.get(name) : free.get(next++));
            }
            instancePorts.put(name, own);
        }
        List<String> started = new ArrayList<>();
        List<CompletableFuture<ServiceProcess>> starting = new ArrayList<>();
        for (String name : names) {
            int replicas = replicasOf.applyAsInt(name);
            for (int r = 0; r < replicas; r++) {
                Map<String, String> env = environment(name);
                env.putAll(overrides.getOrDefault(name, Map.of()));
                env.put("QUARKUS_HTTP_PORT", String.valueOf(instancePorts.get(name).get(r)));
                String log = "logs/" + name + "-service" + (replicas == 1 ? "" : "-" + (r + 1)) + ".log";
                started.add(name);
                starting.add(CompletableFuture.supplyAsync(() -> ServiceProcess.start(name + "-service", jar(name),
                        env, target().resolve(log), Duration.ofSeconds(180))));
            }
        }
        try {
            for (int i = 0; i < started.size(); i++) {
                running.computeIfAbsent(started.get(i), n -> new ArrayList<>()).add(starting.get(i).join());
            }
        } catch (RuntimeException e) {
            starting.forEach(f -> f.thenAccept(ServiceProcess::close));
            throw e;
        }
        // new connections follow readiness, so an instance that is stopping (and says so) is left alone
        instancePorts.forEach((name, own) -> {
            if (own.size() > 1) {
                entries.add(RoundRobin.start(ports.get(name), own, "/q/health/ready"));
            }
        });
    }

    /** Starts {@code names} for the tests of {@code module} (the folder whose target/ gets the logs). */
    public static PackagedServices start(String module, String... names) {
        return new PackagedServices(module, List.of(names), Map.of(), name -> 1);
    }

    /**
     * As {@link #start(String, String...)}; {@code overrides} adds or replaces environment variables per
     * service (for example {@code "billing" -> {HYPERAI_BILLING_INTERVAL=10s}}).
     */
    public static PackagedServices start(String module, Map<String, Map<String, String>> overrides, String... names) {
        return new PackagedServices(module, List.of(names), overrides, name -> 1);
    }

    /**
     * {@code replicas} instances of each service, every one with its own port, behind a round-robin entry on the
     * service's port ({@link #url}), which is also what the services are told of each other.
     */
    public static PackagedServices replicated(String module, int replicas, Map<String, Map<String, String>> overrides,
            String... names) {
        return new PackagedServices(module, List.of(names), overrides, name -> replicas);
    }

    /** As {@link #replicated}, with {@code replicas} instances of {@code replicatedName} and one of each other. */
    public static PackagedServices replicatedOne(String module, String replicatedName, int replicas,
            Map<String, Map<String, String>> overrides, String... names) {
        return new PackagedServices(module, List.of(names), overrides,
                name -> name.equals(replicatedName) ? replicas : 1);
    }

    /** Every instance of a service, in the order they were started. */
    public List<ServiceProcess> instances(String name) {
        return running.get(name);
    }

    /** The service's (first) instance. */
    public ServiceProcess get(String name) {
        return running.get(name).get(0);
    }

    public String url(String name) {
        return "http://localhost:" + ports.get(name);
    }

    private Map<String, String> environment(String name) {
        Map<String, String> env = new HashMap<>();
        PlatformTestResource.configFor(name + "-service").forEach((key, value) -> env.put(envName(key), value));
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
        entries.forEach(RoundRobin::close);
        running.values().stream().flatMap(List::stream).parallel().forEach(ServiceProcess::close);
    }
}
