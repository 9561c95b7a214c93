package io.hyperai.execution;

import static io.restassured.RestAssured.given;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.KubernetesApiServer;
import io.hyperai.test.PlatformTestResource;
import io.hyperai.test.SharedInfrastructure;
import io.hyperai.test.StandInService;
import io.hyperai.test.StandInService.Answer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.restassured.http.ContentType;

/**
 * The execution service's world in tests: real PostgreSQL, Kafka and OIDC, a Kubernetes API with a
 * fake kubelet playing the node, and one stand-in answering for gear, storage and billing.
 */
public class ExecutionTestResource implements QuarkusTestResourceLifecycleManager {

    /**
     * The periodic passes' timings tests run with, short so they need not wait. A bench run with {@code
     * -Dbench.platform-timings=true} leaves them out: it measures the service with its own, as on ./platform up.
     */
    private static final Map<String, String> TEST_TIMINGS = Map.of(
            "hyperai.execution.resync-interval", "2s",
            "hyperai.execution.pod-creation-grace", "1s",
            "hyperai.execution.queue.dispatch-interval", "1s",
            "hyperai.execution.queue.capacity-refresh", "0.5s",
            "hyperai.execution.reconcile-pass-timeout", "15s",
            "hyperai.execution.deadline-check", "1s",
            "hyperai.execution.exhaustion-check", "2s",
            "hyperai.outbox.poll-interval", "0.1s");

    public static final String NAMESPACE = "hyperai-executions";
    public static final int A100_GPUS = 8;

    static KubernetesApiServer kubernetes;
    static FakeKubelet kubelet;
    static StandInService dependencies;
    static java.nio.file.Path workdirs;

    @Override
    public synchronized Map<String, String> start() {
        if (kubernetes == null) {
            kubernetes = KubernetesApiServer.start(0);
            kubernetes.createNamespace(NAMESPACE);
            // the cluster's capacity: a large CPU node, a node of eight A100s, and QueueTest's own node that it fills
            kubelet = new FakeKubelet(kubernetes.client(), NAMESPACE)
                    .withNode("fake-gpu-a100", Map.of("hyperai.io/gpu-model", "a100-80g"),
                            Map.of("cpu", "96", "memory", "1Ti", "nvidia.com/gpu", String.valueOf(A100_GPUS)))
                    .withNode("fake-gpu-queue", Map.of("hyperai.io/gpu-model", QueueTest.MODEL.toLowerCase()),
                            Map.of("cpu", "96", "memory", "1Ti", "nvidia.com/gpu", String.valueOf(QueueTest.GPUS)))
                    .start();
            dependencies = StandInService.start();
            try {
                workdirs = java.nio.file.Files.createTempDirectory("hyperai-workdirs");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        Map<String, String> config = new HashMap<>(PlatformTestResource.configFor("execution-service"));
        config.put("hyperai.execution.api-server-url", kubernetes.url());
        config.put("hyperai.execution.namespace", NAMESPACE);
        if (!Boolean.getBoolean("bench.platform-timings")) {
            config.putAll(TEST_TIMINGS);
        }
        for (String service : new String[] { "gear", "storage", "billing" }) {
            config.put("quarkus.rest-client." + service + ".url", dependencies.url());
        }
        config.put("hyperai.execution.workdirs-root", workdirs.toString());
        config.put("hyperai.execution.workdir-settle", "0s");
        config.put("hyperai.execution.code-root", workdirs.resolveSibling(workdirs.getFileName() + "-code").toString());
        return config;
    }

    @Override
    public void stop() {
        // shared for the JVM
    }

    /** Starts an execution of {@code gearId} as the token's user; its id. */
    static String startExecution(String token, String gearId, String body) {
        return given().auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
    }

    /** The execution's state as its owner sees it. */
    static String stateOf(String token, String id) {
        return given().auth().oauth2(token).get("/api/v1/executions/" + id).then().statusCode(200).extract()
                .path("state");
    }

    /** Storage and billing admit every start, and nobody's balance is used up. */
    static void admitEverything() {
        dependencies.reset();
        dependencies
                .on("GET", "/internal/storage/admission/([^/]+)", r -> Answer.json("{\"blocked\":false}"))
                .on("GET", "/internal/billing/admission/([^/]+)", r -> Answer.json("{\"allowed\":true}"))
                .on("POST", "/internal/billing/exhausted", r -> Answer.json("{\"userIds\":[]}"));
    }

    /**
     * Forgets what the admission projection knows of {@code owner}, so that their next start asks storage and billing:
     * for a test that changes what the stand-ins answer, which a fresh "allowed" would otherwise answer for them.
     */
    static void forgetAdmission(String owner) {
        try (java.sql.Connection c = SharedInfrastructure.postgres().connect("execution");
                java.sql.PreparedStatement s = c.prepareStatement("DELETE FROM owner_admission WHERE owner_id = ?")) {
            s.setString(1, owner);
            s.executeUpdate();
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A new gear of {@code owner}'s on a small CPU spec (20 GiB disk), served by the stand-in gear-service. */
    static String cpuGear(String owner) {
        return cpuGear(owner, null);
    }

    /** {@link #cpuGear(String)} with this idle policy (JSON, e.g. {@code {"stopAfterSeconds":3600}}), or none. */
    static String cpuGear(String owner, String idlePolicy) {
        String id = "gear-cpu-" + System.nanoTime();
        dependencies.on("GET", "/internal/gears/" + id, r -> Answer.json("{\"id\":\"" + id
                + "\",\"ownerId\":\"" + owner + "\",\"computeSpec\":{\"id\":\"cpu-1c2g\",\"kind\":\"CPU\",\"vcpu\":1,"
                + "\"memoryMib\":2048,\"diskGib\":20,\"gpuCount\":0,\"pricePerHourMinor\":50,\"currency\":\"CNY\"},"
                + "\"image\":{\"id\":\"pytorch-2.4-cpu\",\"imageRef\":\"hyperai/pytorch:2.4-cpu\",\"build\":\"CPU\"},"
                + "\"bindings\":[]" + (idlePolicy == null ? "" : ",\"idlePolicy\":" + idlePolicy) + "}"));
        return id;
    }

    static Duration quick() {
        return Duration.ofMillis(300);
    }
}
