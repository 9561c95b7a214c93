package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServiceEnvTest {

    private static final Path DATA = Path.of("/d");

    private static Map<String, String> env(Component service, String... args) {
        Options o = Options.parse(args.length == 0 ? new String[] { "up" } : args, Map.of(), DATA, DATA);
        return ServiceEnv.of(service, o.ports(), DATA, "pg", "secret", "http://127.0.0.1:18443");
    }

    @Test
    void gearGetsExactlyTheVariablesOfTheContract() {
        Map<String, String> env = env(Component.GEAR);
        assertThat(env).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
                Map.entry("QUARKUS_HTTP_PORT", "8101"),
                Map.entry("QUARKUS_DATASOURCE_USERNAME", "pg"),
                Map.entry("QUARKUS_DATASOURCE_PASSWORD", "secret"),
                Map.entry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:15432/gear"),
                Map.entry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:15432/gear"),
                Map.entry("KAFKA_BOOTSTRAP_SERVERS", "localhost:19092"),
                Map.entry("QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:8180/realms/hyperai"),
                Map.entry("QUARKUS_OIDC_CLIENT_AUTH_SERVER_URL", "http://localhost:8180/realms/hyperai"),
                Map.entry("QUARKUS_OIDC_CLIENT_CLIENT_ID", "gear-service"),
                Map.entry("QUARKUS_OIDC_CLIENT_CREDENTIALS_SECRET", "gear-service-secret"),
                Map.entry("HYPERAI_GEAR_URL", "http://localhost:8101"),
                Map.entry("HYPERAI_EXECUTION_URL", "http://localhost:8102"),
                Map.entry("HYPERAI_WAREHOUSE_URL", "http://localhost:8103"),
                Map.entry("HYPERAI_STORAGE_URL", "http://localhost:8104"),
                Map.entry("HYPERAI_BILLING_URL", "http://localhost:8105"),
                Map.entry("HYPERAI_DATA_DIR", "/d"),
                Map.entry("HYPERAI_LEASE_HOLDER", "gear-service@launcher"),
                Map.entry("QUARKUS_LOG_CONSOLE_JSON_ENABLED", "false")));
    }

    @Test
    void anInstanceHasItsOwnPortAndLeaseHolderAndCallsTheOthersAtTheirDocumentedPorts() {
        Options o = Options.parse(new String[] { "up", "--replicas", "2" }, Map.of(), DATA, DATA);
        List<Map<String, String>> envs = o.instances(Component.BILLING).stream()
                .map(i -> ServiceEnv.of(i, o.ports(), DATA, "pg", "secret", "http://127.0.0.1:18443")).toList();
        assertThat(envs).extracting(e -> e.get("QUARKUS_HTTP_PORT")).containsExactly("8115", "8125");
        assertThat(envs).extracting(e -> e.get("HYPERAI_LEASE_HOLDER"))
                .containsExactly("billing-service@launcher-1", "billing-service@launcher-2");
        Map<String, String> one = env(Component.BILLING);
        for (Map<String, String> env : envs) {
            // the round robins on the documented ports, as with one process each
            assertThat(env).containsEntry("HYPERAI_GEAR_URL", "http://localhost:8101")
                    .containsEntry("HYPERAI_BILLING_URL", "http://localhost:8105");
            // behind a round robin that follows readiness, a stopping instance first says it is not ready
            assertThat(env).containsEntry("QUARKUS_SHUTDOWN_DELAY", "2s").containsEntry("QUARKUS_SHUTDOWN_TIMEOUT", "10s");
            assertThat(one).doesNotContainKeys("QUARKUS_SHUTDOWN_DELAY", "QUARKUS_SHUTDOWN_TIMEOUT");
            Map<String, String> rest = new HashMap<>(env);
            rest.keySet().removeAll(List.of("QUARKUS_HTTP_PORT", "HYPERAI_LEASE_HOLDER", "QUARKUS_SHUTDOWN_DELAY",
                    "QUARKUS_SHUTDOWN_TIMEOUT"));
            Map<String, String> oneRest = new HashMap<>(one);
            oneRest.keySet().removeAll(List.of("QUARKUS_HTTP_PORT", "HYPERAI_LEASE_HOLDER"));
            assertThat(rest).isEqualTo(oneRest);
        }
    }

    @Test
    void noTwoProcessesOfThePlatformShareALeaseHolder() {
        Options o = Options.parse(new String[] { "up", "--replicas", "3" },
                Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes"), DATA, DATA);
        List<String> holders = Component.services().stream().flatMap(s -> o.instances(s).stream())
                .map(i -> ServiceEnv.of(i, o.ports(), DATA, "pg", "secret", "k").get("HYPERAI_LEASE_HOLDER")).toList();
        assertThat(holders).hasSize(15).doesNotHaveDuplicates().contains("execution-service@launcher-3");
    }

    @Test
    void theSummarySaysWhereTheInstancesAre() {
        Options o = Options.parse(new String[] { "up", "--replicas", "2" }, Map.of(), DATA, DATA);
        assertThat(Summary.replicasLine(o)).contains("round robin").contains("port + 10 n")
                .doesNotContain("one instance");
        Options k8s = Options.parse(new String[] { "up", "--replicas", "2" },
                Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes"), DATA, DATA);
        assertThat(Summary.replicasLine(k8s)).doesNotContain("one instance");
    }

    @Test
    void executionGetsTheKubernetesApiAndBothTheWarehouseRoot() {
        // execution-service's local runtime mounts dataset versions from the warehouse's root
        assertThat(env(Component.EXECUTION))
                .containsEntry("HYPERAI_KUBERNETES_API_SERVER_URL", "http://127.0.0.1:18443")
                .containsEntry("HYPERAI_EXECUTION_NAMESPACE", "hyperai-executions")
                .containsEntry("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://localhost:15432/execution")
                .containsEntry("HYPERAI_WAREHOUSE_STORAGE_ROOT", "/d/warehouse")
                .containsKey("HYPERAI_EXECUTION_RUNTIME");
        assertThat(env(Component.GEAR)).doesNotContainKey("HYPERAI_WAREHOUSE_STORAGE_ROOT");
        assertThat(env(Component.WAREHOUSE))
                .containsEntry("HYPERAI_WAREHOUSE_STORAGE_ROOT", "/d/warehouse")
                .doesNotContainKey("HYPERAI_KUBERNETES_API_SERVER_URL");
    }

    @Test
    void executionsRunLocallyUnlessTheEnvironmentChoosesOtherwise() {
        // never the Kubernetes mock behind the user's back: its fake kubelet only plays pods
        assertThat(ServiceEnv.executionRuntime(Map.of())).isEqualTo("local");
        assertThat(ServiceEnv.executionRuntime(Map.of("HYPERAI_EXECUTION_RUNTIME", " "))).isEqualTo("local");
        assertThat(ServiceEnv.executionRuntime(Map.of("HYPERAI_EXECUTION_RUNTIME", "kubernetes")))
                .isEqualTo("kubernetes");
    }

    @Test
    void onlyTheWarehouseKeepsC2AndTheEnvironmentChoosesForAll() {
        for (Component service : Component.values()) {
            if (!service.isService()) {
                continue;
            }
            String opts = ServiceEnv.javaOpts(service, Map.of());
            assertThat(opts).contains("-XX:+UseSerialGC", "-Xmx512m");
            if (service == Component.WAREHOUSE) {
                assertThat(opts).doesNotContain("TieredStopAtLevel").contains("-XX:Tier4InvocationThreshold=50000");
            } else {
                assertThat(opts).contains("-XX:TieredStopAtLevel=1");
            }
            assertThat(ServiceEnv.javaOpts(service, Map.of("HYPERAI_SERVICE_JAVA_OPTS", "-Xmx1g"))).isEqualTo("-Xmx1g");
        }
    }

    @Test
    void withoutBubblewrapUpSaysExecutionsCannotRunCodeAndHowToInstallIt() {
        assertThat(ServiceEnv.sandboxWarning("local", false)).hasValueSatisfying(line -> assertThat(line)
                .contains("Executions cannot run code on this machine").contains("sudo apt-get install bubblewrap")
                .doesNotContain("\n"));
        assertThat(ServiceEnv.sandboxWarning("local", true)).isEmpty();
        assertThat(ServiceEnv.sandboxWarning("kubernetes", false)).isEmpty(); // chosen explicitly: no sandbox needed
    }

    @Test
    void aSkippedServicesEnvironmentIsLeftForAShellOnlyItsOwnerCanRead(@TempDir Path run) throws Exception {
        Path file = ServiceEnv.envFile(run, Component.GEAR);
        assertThat(file.getFileName().toString()).isEqualTo("gear-service.env");
        ServiceEnv.writeEnvFile(file, Map.of("QUARKUS_DATASOURCE_PASSWORD", "it's a $secret", "X", "/a b"));
        assertThat(Files.getPosixFilePermissions(file)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
        String script = "set -a; . \"$1\"; printf '%s|%s' \"$QUARKUS_DATASOURCE_PASSWORD\" \"$X\"";
        Process sh = new ProcessBuilder("sh", "-c", script, "sh", file.toString()).start();
        assertThat(new String(sh.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                .isEqualTo("it's a $secret|/a b");
    }

    @Test
    void portOverridesReachEveryService() {
        Map<String, String> env = env(Component.STORAGE, "up", "--storage-port", "9104", "--keycloak-port", "9180",
                "--postgres-port", "25432", "--billing-port", "9105");
        assertThat(env).containsEntry("QUARKUS_HTTP_PORT", "9104")
                .containsEntry("HYPERAI_STORAGE_URL", "http://localhost:9104")
                .containsEntry("HYPERAI_BILLING_URL", "http://localhost:9105")
                .containsEntry("QUARKUS_OIDC_AUTH_SERVER_URL", "http://localhost:9180/realms/hyperai")
                .containsEntry("QUARKUS_DATASOURCE_REACTIVE_URL", "postgresql://localhost:25432/storage");
    }

    @Test
    void commandAndJar() {
        Path jar = ServiceEnv.jar(Path.of("/p"), Component.BILLING);
        assertThat(jar).isEqualTo(Path.of("/p/billing-service/target/quarkus-app/quarkus-run.jar"));
        assertThat(ServiceEnv.command(Path.of("/jdk"), " -Xmx1g  -Dx=y ", List.of("-XX:SharedArchiveFile=/a b.jsa"), jar))
                .isEqualTo(List.of("/jdk/bin/java", "-Xmx1g", "-Dx=y", "-XX:SharedArchiveFile=/a b.jsa", "-jar",
                        jar.toString()));
    }

    @Test
    void topicsAreTheFiveEventTopicsWithThreePartitionsAndTheirDeadLetterTopics() {
        assertThat(KafkaPart.TOPICS).hasSize(10)
                .containsEntry("gear-events", 3).containsEntry("execution-events", 3)
                .containsEntry("warehouse-events", 3).containsEntry("storage-events", 3)
                .containsEntry("billing-events", 3)
                .containsEntry("gear-events.dlq", 1).containsEntry("billing-events.dlq", 1);
    }

    @Test
    void tokenCurlUsesThePasswordGrantOnTheCliClient() {
        assertThat(Summary.tokenCurl(8180, "alice", "alice"))
                .contains("grant_type=password").contains("client_id=hyperai-cli")
                .contains("username=alice").contains("http://localhost:8180/realms/hyperai/protocol/openid-connect/token");
    }
}
