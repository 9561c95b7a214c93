package io.hyperai.launcher;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The environment, command and files of one service process. Pure but for {@link #writeEnvFile}, so unit-tested. */
final class ServiceEnv {

    static final String EXECUTION_NAMESPACE = "hyperai-executions";
    /**
     * C1 only and the serial collector: quick to start, small, enough for one machine. The heap starts at 32 MB and
     * is kept within 20-40 % free: the JVM's own initial heap is 1/64 of the machine's memory (378 MB on a 24 GB
     * machine), which each service committed and kept whatever it used (docs/benchmarks.md, "Footprint"). Every 5 s
     * the JVM hands the C heap's free memory back to the system (glibc keeps what start-up freed: 7-10 MB each).
     */
    static final String DEFAULT_JAVA_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms32m -Xmx512m"
            + " -XX:MinHeapFreeRatio=20 -XX:MaxHeapFreeRatio=40 -XX:TrimNativeHeapInterval=5000"
            + " -XX:+ExitOnOutOfMemoryError";
    /**
     * warehouse-service's: the same with C2 as well. It hashes every uploaded byte (SHA-256), which only C2 compiles
     * to the processor's SHA instructions: 1 360 MB/s against C1's 127 (UploadBench with these options, 1 GiB: 379
     * against 98 MB/s). C2 takes a method at ten times the JVM's default counts: at the defaults it compiled start-up
     * code for 1.7-1.9 s of CPU during a 3 s start on two cores; the upload's hot loops still reach C2 within the first
     * megabytes (docs/benchmarks.md, "Start alone, and a start's insert that carries its dispatch").
     */
    static final String WAREHOUSE_JAVA_OPTS = DEFAULT_JAVA_OPTS.replace(" -XX:TieredStopAtLevel=1", "")
            + " -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000"
            + " -XX:Tier4CompileThreshold=150000 -XX:Tier4BackEdgeThreshold=400000";
    /** Overrides {@link #DEFAULT_JAVA_OPTS} and {@link #WAREHOUSE_JAVA_OPTS} for every service. */
    static final String JAVA_OPTS_ENV = "HYPERAI_SERVICE_JAVA_OPTS";
    /** Where executions run: {@code local} processes (the default) or {@code kubernetes}. */
    static final String RUNTIME_ENV = "HYPERAI_EXECUTION_RUNTIME";
    /** What the local runtime sandboxes user code with. */
    static final Path BWRAP = Path.of("/usr/bin/bwrap");

    /** The JVM options of {@code service}: {@link #JAVA_OPTS_ENV} when set, otherwise its default. */
    static String javaOpts(Component service, Map<String, String> env) {
        String set = env.get(JAVA_OPTS_ENV);
        if (set != null) {
            return set;
        }
        return service == Component.WAREHOUSE ? WAREHOUSE_JAVA_OPTS : DEFAULT_JAVA_OPTS;
    }

    static String executionRuntime() {
        return executionRuntime(System.getenv());
    }

    /**
     * {@code local} unless {@code HYPERAI_EXECUTION_RUNTIME} says otherwise: without bubblewrap it is still local, so
     * executions fail for a reason the user can read. The Kubernetes API mock's fake kubelet only plays pods: chosen
     * silently, it showed scripts RUNNING forever, and billed, that never ran.
     */
    static String executionRuntime(Map<String, String> env) {
        String chosen = env.get(RUNTIME_ENV);
        return chosen == null || chosen.isBlank() ? "local" : chosen.trim();
    }

    /** The line {@code up} prints at start when executions would need a sandbox this machine lacks. */
    static Optional<String> sandboxWarning(String runtime, boolean bwrapInstalled) {
        if (!"local".equals(runtime) || bwrapInstalled) {
            return Optional.empty();
        }
        return Optional.of("Executions cannot run code on this machine: bubblewrap (" + BWRAP + ") is missing;"
                + " install it with: sudo apt-get install bubblewrap");
    }

    /** What execution-service reads for its Kubernetes API server. */
    static final String KUBERNETES_URL_ENV = "HYPERAI_KUBERNETES_API_SERVER_URL";

    private ServiceEnv() {
    }

    /** {@code <home>/<module>/target/quarkus-app/quarkus-run.jar}. */
    static Path jar(Path home, Component service) {
        return home.resolve(service.moduleName()).resolve("target/quarkus-app/quarkus-run.jar");
    }

    static String baseUrl(int port) {
        return "http://localhost:" + port;
    }

    static String readinessUrl(int port) {
        return baseUrl(port) + "/q/health/ready";
    }

    static String livenessUrl(int port) {
        return baseUrl(port) + "/q/health/live";
    }

    /** The client secret of a service's confidential client in the local realm (local use only). */
    static String clientSecret(Component service) {
        return service.moduleName() + "-secret";
    }

    /** The service as one process on its port (also what a service skipped to be run by hand gets). */
    static Map<String, String> of(Component service, Map<Component, Integer> ports, Path dataDir, String dbUser,
            String dbPassword, String k8sUrl) {
        return of(Instance.only(service, ports.get(service)), ports, dataDir, dbUser, dbPassword, k8sUrl);
    }

    /**
     * Exactly the variables a service reads in the prod profile: the instance's own port and lease holder; the other
     * services at their ports in {@code ports} (with replicas, their round robins).
     *
     * @param k8sUrl the Kubernetes API server URL (for execution-service)
     */
    static Map<String, String> of(Instance instance, Map<Component, Integer> ports, Path dataDir, String dbUser,
            String dbPassword, String k8sUrl) {
        Component service = instance.service();
        Map<String, String> env = new LinkedHashMap<>();
        int pg = ports.get(Component.POSTGRES);
        String issuer = Keycloak.issuer(ports.get(Component.KEYCLOAK));
        env.put("QUARKUS_HTTP_PORT", Integer.toString(instance.port()));
        env.put("QUARKUS_DATASOURCE_USERNAME", dbUser);
        env.put("QUARKUS_DATASOURCE_PASSWORD", dbPassword);
        env.put("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:" + pg + "/" + service.database());
        env.put("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:" + pg + "/" + service.database());
        env.put("KAFKA_BOOTSTRAP_SERVERS", "localhost:" + ports.get(Component.KAFKA));
        env.put("QUARKUS_OIDC_AUTH_SERVER_URL", issuer);
        env.put("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", issuer);
        env.put("QUARKUS_OIDC_CLIENT_CLIENT_ID", service.moduleName());
        env.put("QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET", clientSecret(service));
        for (Component s : Component.services()) {
            env.put(s.urlEnv(), baseUrl(ports.get(s)));
        }
        env.put("HYPERAI_DATA_DIR", dataDir.toString());
        // the supervisor restarts an instance only after it died: restarted, it takes its singleton work back at once
        env.put("HYPERAI_LEASE_HOLDER", instance.holder());
        if (instance.numbered()) {
            // behind a round robin that follows readiness: a stopping instance says it is not ready for a moment
            // while it still serves, then finishes the requests it has
            env.put("QUARKUS_SHUTDOWN_DELAY", "2s");
            env.put("QUARKUS_SHUTDOWN_TIMEOUT", "10s");
        }
        // the prod profile logs JSON lines for a cluster's collector; people read these logs
        env.put("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false");
        if (service == Component.EXECUTION) {
            // Not QUARKUS_KUBERNETES_CLIENT_API_SERVER_URL: that property is fixed at build time in Quarkus 3.33
            // ("Build time property cannot be changed at runtime"), so execution-service builds its own client
            // from hyperai.execution.api-server-url = ${HYPERAI_KUBERNETES_API_SERVER_URL}.
            env.put(KUBERNETES_URL_ENV, k8sUrl);
            env.put("HYPERAI_EXECUTION_NAMESPACE", EXECUTION_NAMESPACE);
            env.put(RUNTIME_ENV, executionRuntime());
        }
        if (service == Component.WAREHOUSE || service == Component.EXECUTION) {
            // execution-service's local runtime mounts dataset and model versions from the same place
            env.put("HYPERAI_WAREHOUSE_STORAGE_ROOT", dataDir.resolve("warehouse").toString());
        }
        return env;
    }

    /** Where {@code up} leaves the environment of a service it skipped, for whoever runs it by hand. */
    static Path envFile(Path runDir, Component service) {
        return runDir.resolve(service.moduleName() + ".env");
    }

    /** {@code KEY='value'} lines a shell can source. */
    static String shellLines(Map<String, String> env) {
        StringBuilder sb = new StringBuilder();
        env.forEach((k, v) -> sb.append(k).append("='").append(v.replace("'", "'\\''")).append("'\n"));
        return sb.toString();
    }

    /** Readable by the owner only: it holds the service's database password. */
    static void writeEnvFile(Path file, Map<String, String> env) {
        try {
            Files.deleteIfExists(file);
            Files.createDirectories(file.getParent());
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, shellLines(env), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    /** @param more options after {@code javaOpts}, each one word whatever it holds (a path with a space) */
    static List<String> command(Path javaHome, String javaOpts, List<String> more, Path jar) {
        List<String> cmd = new java.util.ArrayList<>();
        cmd.add(javaHome.resolve("bin/java").toString());
        for (String o : javaOpts.trim().split("\\s+")) {
            if (!o.isEmpty()) {
                cmd.add(o);
            }
        }
        cmd.addAll(more);
        cmd.add("-jar");
        cmd.add(jar.toString());
        return cmd;
    }
}
