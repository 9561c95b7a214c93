package io.hyperai.execution.proxy;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import java.io.IOException;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.execution.runtime.WorkspaceEndpoint;
import io.hyperai.test.Tokens;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;

/**
 * The proxy in the service as it boots: its route is reached before the API's security, is absent from the API's
 * description, and Quarkus's HTTP stack hands it request bodies and WebSocket upgrades untouched.
 */
@QuarkusTest
class WorkspaceRouteTest {

    @Inject
    Vertx vertx;
    @TestHTTPResource("/")
    URL service;

    @Test
    void theServiceRunsOnTheNativeTransport() {
        assertThat(vertx.isNativeTransportEnabled()).as("quarkus.vertx.prefer-native-transport with epoll").isTrue();
    }

    @Test
    void theProxyAnswersForWorkspacesNotTheApisSecurity() {
        String path = "/executions/" + UUID.randomUUID() + "/";
        given().get(path + "tree").then().statusCode(404)
                .contentType(startsWith("application/problem+json"))
                .body("type", equalTo("urn:hyperai:problem:not-found"), "instance", equalTo(path + "tree"),
                        "detail", startsWith("workspace ")); // the proxy's, not JAX-RS's "no such resource"
        given().auth().oauth2(Tokens.alice()).contentType("application/json").body("{}")
                .post(path + "api/kernels").then().statusCode(404)
                .body("type", equalTo("urn:hyperai:problem:not-found"), "detail", startsWith("workspace "));
        given().header("Authorization", "token anything").delete(path + "api/kernels/k").then().statusCode(404)
                .body("type", equalTo("urn:hyperai:problem:not-found"), "detail", startsWith("workspace "));
    }

    @Test
    void theApiDescriptionDoesNotListIt() {
        Map<String, Object> paths = given().accept("application/json").get("/q/openapi").then().statusCode(200)
                .extract().jsonPath().getMap("paths");
        assertThat(paths.keySet()).isNotEmpty().noneMatch(p -> p.startsWith("/executions"));
    }

    @Test
    void bodiesAndWebSocketsPassQuarkusUntouched() throws Exception {
        byte[] body = new byte[3 * 1024 * 1024];
        new SecureRandom().nextBytes(body);
        given().header("Authorization", "token " + OneWorkspace.TOKEN).contentType("application/octet-stream")
                .body(body).put(OneWorkspace.BASE + "api/contents/big.bin").then().statusCode(200)
                .body("length", equalTo(body.length), "sha256", equalTo(EchoWorkspace.sha256(body)));

        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        URI uri = URI.create("ws://" + service.getHost() + ":" + service.getPort() + OneWorkspace.BASE
                + "api/kernels/k/channels?token=" + OneWorkspace.TOKEN);
        TextWebSocket channels = TextWebSocket.open(http, uri, Map.of());
        assertThat(channels.roundTrip("ping")).isEqualTo("ping");
        channels.close();
    }

    /**
     * A workspace (the echoing stand-in on a Unix socket) behind a second proxy route on the service's own router,
     * since the service's runtime in tests has no workspaces. It sits where the service's route sits: after Quarkus's
     * security and body-size handlers (orders below zero), before the service's proxy route; it serves only its own
     * random execution id, so the other tests of the module never meet it.
     */
    @ApplicationScoped
    public static class OneWorkspace {

        static final String ID = UUID.randomUUID().toString();
        static final String BASE = "/executions/" + ID + "/";
        static final String TOKEN = UUID.randomUUID().toString();
        private Path dir;
        private EchoWorkspace upstream;

        void register(@Observes Router router, Vertx vertx) throws IOException {
            dir = Files.createTempDirectory("hyperai-workspace");
            Path socket = dir.resolve("jupyter.sock");
            upstream = new EchoWorkspace(socket);
            StandInRuntime runtime = new StandInRuntime();
            runtime.workspace(ID, new WorkspaceEndpoint(SocketAddress.domainSocketAddress(socket.toString()), TOKEN));
            router.routeWithRegex(BASE + ".*").order(0)
                    .handler(new WorkspaceProxy(vertx, runtime, new SimpleMeterRegistry()));
        }

        void stop(@Observes ShutdownEvent event) throws IOException {
            if (upstream != null) {
                upstream.close();
                Files.deleteIfExists(dir.resolve("jupyter.sock"));
                Files.deleteIfExists(dir);
            }
        }
    }
}
