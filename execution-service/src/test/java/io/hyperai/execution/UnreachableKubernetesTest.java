package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hyperai.infra.k8s.KubernetesApiServer;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;

/**
 * A service whose Kubernetes API server does not answer yet starts, lives and is not ready; once the API server is
 * there, the informer's retries reach it and the service becomes ready.
 */
@QuarkusTest
@TestProfile(UnreachableKubernetesTest.LaterKubernetes.class)
class UnreachableKubernetesTest {

    static final int PORT = freePort();

    public static class LaterKubernetes implements QuarkusTestProfile {
        @Override
        public boolean disableGlobalTestResources() {
            return true;
        }

        @Override
        public List<TestResourceEntry> testResources() {
            return List.of(new TestResourceEntry(NothingListening.class));
        }
    }

    /** The usual world, but the API server's address is a port nothing listens on (yet). */
    public static class NothingListening extends ExecutionTestResource {
        @Override
        public synchronized Map<String, String> start() {
            Map<String, String> config = new HashMap<>(super.start());
            config.put("hyperai.execution.api-server-url", "http://127.0.0.1:" + PORT);
            return config;
        }
    }

    @Test
    void notReadyUntilThePodInformerHasSynced() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(503)
                .body(RuntimeReadinessTest.RUNTIME + ".status", equalTo("DOWN"))
                .body(RuntimeReadinessTest.RUNTIME + ".data.synced", equalTo(false));

        try (KubernetesApiServer later = KubernetesApiServer.start(PORT)) {
            later.createNamespace(ExecutionTestResource.NAMESPACE);
            // the informer retries with a backoff of up to half a minute
            await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> given().get("/q/health/ready").then()
                    .statusCode(200).body(RuntimeReadinessTest.RUNTIME + ".data.synced", equalTo(true)));
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
