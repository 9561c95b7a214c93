package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * PostgreSQL killed with kill -9 under the running platform and kept down through a charge interval, then
 * {@code ./platform restart postgres} (crash recovery on the same data): meanwhile every service answers its users 503
 * with {@code Retry-After} and a problem body, never 500, and changes nothing; afterwards each one serves again without
 * being restarted, a workspace that ran through the outage is still running, and once stopped it is charged exactly
 * for its recorded time.
 */
@ExtendWith(E2e.class)
class DatabaseOutageIT {

    private static final Duration OUTAGE = Duration.ofSeconds(15);
    /** At the pricey spec's 1 200 per hour, 1 500 s of the workspace. */
    private static final long TOP_UP = 500;
    /** One user read per service. */
    private static final Map<String, String> READS = new LinkedHashMap<>();

    static {
        READS.put("gear", "/api/v1/gears");
        READS.put("execution", "/api/v1/executions");
        READS.put("warehouse", "/api/v1/datasets");
        READS.put("storage", "/api/v1/storage/me");
        READS.put("billing", "/api/v1/billing/me");
    }

    @Test
    void theServicesSay503WhileTheDatabaseIsDownAndRecoverOnTheirOwn() {
        E2e.assumeLocalRuntime();
        Api api = Api.get();
        Platform platform = E2e.platform();
        String user = api.newUser("db-outage", TOP_UP);
        String gear = api.gear(user, "db outage", Api.PRICEY_SPEC, List.of());
        String ws = api.workspace(user, gear);
        api.awaitState(user, ws, "RUNNING");
        READS.forEach((service, path) -> api.as(user, service).get(path).then().statusCode(200));

        long killedAt = System.nanoTime();
        long pid = platform.kill("postgres");
        try {
            READS.forEach((service, path) -> assertUnavailable(service, api.as(user, service).get(path)));
            assertUnavailable("gear", api.createGear(user, "while down", "cpu-1c2g", List.of()));
            Platform.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - killedAt) / 1_000_000));
        } finally {
            platform.restart("postgres");
        }
        long restartedAt = System.nanoTime();
        System.out.printf("e2e database outage: postgres (pid %d) down %.1f s%n", pid, (restartedAt - killedAt) / 1e9);

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> READS.entrySet().stream()
                .allMatch(e -> api.as(user, e.getKey()).get(e.getValue()).statusCode() == 200));
        System.out.printf("e2e database outage: every service served again %d ms after postgres was back%n",
                (System.nanoTime() - restartedAt) / 1_000_000);
        assertThat(api.as(user, "gear").get("/api/v1/gears").then().statusCode(200).extract().jsonPath()
                .getList("items.name", String.class)).doesNotContain("while down");

        assertThat(api.state(user, ws)).isEqualTo("RUNNING");
        api.stop(user, ws);
        JsonPath closed = api.awaitState(user, ws, "STOPPED");
        api.awaitSettled(ws);
        long charged = api.charged(ws);
        System.out.printf("e2e database outage: the workspace ran %d s through it at %d/h: charged %d, expected %d%n",
                Api.seconds(closed), closed.getLong("pricePerHourMinor"), charged, Api.expectedCharge(closed));
        assertThat(charged).isEqualTo(Api.expectedCharge(closed));
        await().atMost(Api.WAIT).untilAsserted(() -> assertThat(api.balance(user)).isEqualTo(TOP_UP - charged));

        String script = api.script(user, gear, "echo after the outage");
        assertThat(api.awaitState(user, script, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
    }

    private static void assertUnavailable(String service, Response r) {
        assertThat(r.statusCode()).as("%s: %s", service, r.asString()).isEqualTo(503);
        assertThat(r.contentType()).as(service).startsWith("application/problem+json");
        assertThat(r.header("Retry-After")).as(service).isNotBlank();
        assertThat(r.jsonPath().getInt("status")).isEqualTo(503);
    }
}
