package io.hyperai.it;

import static io.hyperai.it.Api.newUser;
import static io.hyperai.it.Api.token;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.hyperai.infra.ServiceProcess;
import io.hyperai.test.PackagedServices;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 22 on the local runtime: two execution-service instances behind a round-robin entry, executions as bubblewrap
 * sandboxes on this machine (the other services one each). Starts and stops through either instance run each
 * execution exactly once, as a child process of the leader; its output and its workspace answer through either
 * instance. Then the leader dies (kill -9): its sandboxes die with it, the survivor leads within its lease, reports the
 * dead leader's executions as lost (NODE_LOST) and runs new ones; every execution is charged once, for exactly its
 * running time. Needs bubblewrap (and Jupyter for the workspace), which CI installs.
 */
class LocalHighAvailabilityIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    // the services' lease here (platform-test's configuration): 3 s, renewed every second
    private static final Duration NEW_LEADER_WITHIN = Duration.ofSeconds(3 + 1 + 4);

    private static PackagedServices services;

    @BeforeAll
    static void start() {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/bwrap")), "bubblewrap is not installed");
        Map<String, Map<String, String>> overrides = SharedServices.overrides(Map.of(
                "KAFKA_SESSION_TIMEOUT_MS", "6000", "KAFKA_HEARTBEAT_INTERVAL_MS", "1000",
                "QUARKUS_SHUTDOWN_DELAY", "2s", "QUARKUS_SHUTDOWN_TIMEOUT", "10s"), "http://127.0.0.1:1");
        overrides.get("execution").put("HYPERAI_EXECUTION_RUNTIME", "local");
        long t0 = System.nanoTime();
        services = PackagedServices.replicatedOne("platform-it", "execution", 2, overrides, SharedServices.NAMES);
        System.out.printf("local high availability: two execution-service instances (local runtime) and one of each"
                + " other service started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
    }

    @AfterAll
    static void stop() {
        if (services != null) {
            services.close();
        }
    }

    @Test
    void theLeaderRunsEveryExecutionOnceAndItsSuccessorReportsItsRunsLost() {
        String owner = newUser("lena");
        String token = token(owner);
        Api api = new Api(services);
        api.topUp(owner, 10_000_000);
        String gear = api.createGear(token, "local-ha-" + System.nanoTime(), "cpu-16c64g", List.of()).then()
                .statusCode(201).extract().path("id");
        List<ServiceProcess> instances = services.instances("execution");
        await().atMost(WAIT).until(() -> leading().size() == 1);
        ServiceProcess leader = leading().get(0);
        ServiceProcess follower = instances.get(0) == leader ? instances.get(1) : instances.get(0);

        // two starts through each instance: each runs once, a child of the leader, its output read through either
        List<String> scripts = new ArrayList<>();
        for (ServiceProcess through : List.of(follower, leader, follower, leader)) {
            scripts.add(start(through, token, gear, Map.of("mode", "script",
                    "entryCommand", "echo hello from " + (scripts.size() + 1) + "; sleep 600")));
        }
        for (String id : scripts) {
            await().atMost(WAIT).until(() -> "RUNNING".equals(view(follower, token, id).getString("state")));
            assertThat(sandboxes(id)).as("sandboxes of %s", id).singleElement()
                    .satisfies(p -> assertThat(p.parent().map(ProcessHandle::pid)).contains(leader.pid()));
            for (ServiceProcess through : instances) {
                await().atMost(WAIT).until(() -> logs(through, token, id).contains("hello from "
                        + (scripts.indexOf(id) + 1)));
            }
        }

        // a workspace, reached through either instance with its token
        String workspace = null;
        if (Files.isExecutable(Path.of("/usr/bin/jupyter-notebook"))) {
            String ws = start(follower, token, gear, Map.of("mode", "jupyter"));
            workspace = ws;
            await().atMost(WAIT).until(() -> "RUNNING".equals(view(leader, token, ws).getString("state")));
            String url = view(follower, token, ws).getString("workspaceUrl");
            String jupyterToken = url.substring(url.indexOf("token=") + "token=".length());
            for (ServiceProcess through : instances) {
                given().baseUri(through.url()).header("Authorization", "token " + jupyterToken)
                        .get("/executions/" + ws + "/api/status").then().statusCode(200);
                given().baseUri(through.url()).header("Authorization", "token wrong")
                        .get("/executions/" + ws + "/api/status").then().statusCode(404);
            }
        } else {
            System.out.println("local high availability: no Jupyter here, the workspace part is left out");
        }

        // a stop through the follower ends the leader's sandbox
        String stopped = scripts.get(0);
        given().baseUri(follower.url()).auth().oauth2(token).post("/api/v1/executions/" + stopped + "/stop").then()
                .statusCode(200);
        await().atMost(WAIT).until(() -> sandboxes(stopped).isEmpty());
        assertThat(view(leader, token, stopped).getString("state")).isEqualTo("STOPPED");

        // the leader dies: its sandboxes with it; the survivor leads, reports them lost and runs what comes next
        leader.kill();
        long killed = System.nanoTime();
        List<String> lost = new ArrayList<>(scripts.subList(1, scripts.size()));
        if (workspace != null) {
            lost.add(workspace);
        }
        await().atMost(NEW_LEADER_WITHIN).until(() -> leading().equals(List.of(follower)));
        System.out.printf("local high availability: the survivor leads %d ms after the kill%n",
                (System.nanoTime() - killed) / 1_000_000);
        for (String id : lost) {
            await().atMost(WAIT).until(() -> view(follower, token, id).getString("endedAt") != null);
            JsonPath x = view(follower, token, id);
            assertThat(x.getString("state")).as(id).isEqualTo("FAILED");
            assertThat(x.getString("reason")).as(id).isEqualTo("NODE_LOST");
            assertThat(sandboxes(id)).as("sandboxes of %s after the kill", id).isEmpty();
        }
        String after = start(follower, token, gear, Map.of("mode", "script", "entryCommand", "echo after; sleep 600"));
        await().atMost(WAIT).until(() -> "RUNNING".equals(view(follower, token, after).getString("state")));
        assertThat(sandboxes(after)).singleElement()
                .satisfies(p -> assertThat(p.parent().map(ProcessHandle::pid)).contains(follower.pid()));
        given().baseUri(services.url("execution")).auth().oauth2(token).post("/api/v1/executions/" + after + "/stop")
                .then().statusCode(200);
        await().atMost(WAIT).until(() -> sandboxes(after).isEmpty());

        List<String> all = new ArrayList<>(scripts);
        lost.stream().filter(id -> !all.contains(id)).forEach(all::add);
        all.add(after);
        for (String id : all) {
            assertChargedOnce(follower, token, id);
        }
    }

    /** Charged once, for exactly its running seconds (floor(price x seconds / 3600)). */
    private static void assertChargedOnce(ServiceProcess through, String token, String id) {
        await().atMost(WAIT).until(() -> view(through, token, id).getString("endedAt") != null);
        JsonPath x = view(through, token, id);
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> Api.number("billing",
                "SELECT count(*) FROM metered_run WHERE execution_id = ? AND settled_at IS NOT NULL", id) == 1);
        long seconds = Duration.between(Instant.parse(x.getString("startedAt")), Instant.parse(x.getString("endedAt")))
                .toSeconds();
        long charged = Api.number("billing", "SELECT COALESCE(sum(amount_minor), 0) FROM charge WHERE execution_id = ?",
                id);
        long chargedSeconds = Api.number("billing",
                "SELECT COALESCE(sum(seconds), 0) FROM charge WHERE execution_id = ?", id);
        System.out.printf("local high availability: %s %s (%s), %d s: charged %d for %d s%n", id,
                x.getString("state"), x.getString("reason"), seconds, charged, chargedSeconds);
        assertThat(chargedSeconds).as("seconds charged for %s", id).isEqualTo(seconds);
        assertThat(charged).as("charge of %s", id).isEqualTo(x.getLong("pricePerHourMinor") * seconds / 3600);
    }

    /**
     * The sandboxes of this execution on the machine: bubblewrap processes with its home in their command line, not
     * counting those a sandbox forked itself.
     */
    private static List<ProcessHandle> sandboxes(String id) {
        Predicate<ProcessHandle> ofIt = p -> p.info().commandLine()
                .map(c -> c.contains("bwrap") && c.contains(id)).orElse(false);
        return ProcessHandle.allProcesses().filter(ofIt)
                .filter(p -> p.parent().map(parent -> !ofIt.test(parent)).orElse(true)).toList();
    }

    /** The execution-service instances that say they lead (their metric), among those alive. */
    private static List<ServiceProcess> leading() {
        return Api.leading(services.instances("execution"));
    }

    private static String start(ServiceProcess through, String token, String gear, Map<String, Object> body) {
        return given().baseUri(through.url()).auth().oauth2(token).contentType(ContentType.JSON).body(body)
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(201).extract().path("id");
    }

    private static JsonPath view(ServiceProcess through, String token, String id) {
        return given().baseUri(through.url()).auth().oauth2(token).get("/api/v1/executions/" + id).then()
                .statusCode(200).extract().jsonPath();
    }

    private static String logs(ServiceProcess through, String token, String id) {
        return Optional.ofNullable(given().baseUri(through.url()).auth().oauth2(token).accept("text/plain")
                .get("/api/v1/executions/" + id + "/logs").then().statusCode(200).extract().asString()).orElse("");
    }
}
