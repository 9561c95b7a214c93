package io.hyperai.e2e;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;

/**
 * Issue 8's journey, as alice through the public REST API with her Keycloak token, on the local runtime (bubblewrap
 * sandboxes, a real Jupyter server). The steps build on each other, in order.
 */
@ExtendWith(E2e.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JourneyIT {

    private static final String ALICE = "alice";
    /** The priciest CPU spec, so that the workspace's seconds add up to minor units (1 200 per hour: one every 3 s). */
    private static final String PRICEY = Api.PRICEY_SPEC;
    private static final String CHEAP = "cpu-1c2g";
    private static final long WORKSPACE_SECONDS = 30; // three accrual periods of the e2e platform (10 s)
    /**
     * Enough for the scripts (0 at 50 per hour) and the 30 s workspace (10), little more (about 15 s): the last
     * workspace exhausts it.
     */
    private static final long FIRST_TOP_UP = 15;

    private static Api api;
    private static String aliceId;
    private static String dataset;
    private static String model;
    private static String seedGear;
    private static String gear;
    private static String scriptRun;
    private static final List<String> ended = new ArrayList<>();

    @BeforeAll
    static void setUp() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        aliceId = E2e.credentials().id(ALICE);
        api.topUp(aliceId, FIRST_TOP_UP, "e2e-journey-first");
    }

    @Test
    @Order(1)
    void datasetAndModelWithAVersionEach() {
        dataset = api.item(ALICE, "datasets", "journey data");
        JsonPath v = api.upload(ALICE, "datasets", dataset, "words.txt",
                "alpha-42\nbeta\n".getBytes(StandardCharsets.UTF_8)).then().statusCode(201).extract().jsonPath();
        assertThat(v.getInt("version")).isEqualTo(1);
        model = api.item(ALICE, "models", "journey model");
        api.upload(ALICE, "models", model, "weights.bin", Api.random(4096, 1)).then().statusCode(201);
    }

    @Test
    @Order(2)
    void aScriptReadsAnInputWritesHomeAndItsContinuationSeesTheFile() {
        seedGear = api.gear(ALICE, "journey seed", CHEAP, List.of());
        String seed = api.script(ALICE, seedGear, "echo seeded-home > /hyperai/home/seed.txt");
        assertThat(api.awaitState(ALICE, seed, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        ended.add(seed);

        gear = api.gear(ALICE, "journey", CHEAP, List.of(Api.input(0, "dataset", dataset, 1),
                Api.input(1, "model", model, 1), Api.home(seed)));
        scriptRun = api.script(ALICE, gear, "cat /hyperai/home/seed.txt; ls /hyperai/input/input1;"
                + " grep alpha /hyperai/input/input0/words.txt | tr a-z A-Z > /hyperai/home/result.txt");
        JsonPath run = api.awaitState(ALICE, scriptRun, "SUCCEEDED", "FAILED");
        String logs = api.logs(ALICE, scriptRun);
        assertThat(run.getString("state")).as("logs: %s", logs).isEqualTo("SUCCEEDED");
        assertThat(logs).contains("seeded-home").contains("weights.bin");
        ended.add(scriptRun);

        String next = api.continueFrom(ALICE, scriptRun, "cat /hyperai/home/result.txt");
        assertThat(api.awaitState(ALICE, next, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        assertThat(api.execution(ALICE, next).getString("continuedFrom")).isEqualTo(scriptRun);
        assertThat(api.logs(ALICE, next)).contains("ALPHA-42");
        ended.add(next);
    }

    @Test
    @Order(3)
    void aWorkspaceIsBilledForExactlyItsRunningTime() {
        String wsGear = api.gear(ALICE, "journey workspace", PRICEY, List.of());
        String ws = api.workspace(ALICE, wsGear);
        JsonPath running = api.awaitState(ALICE, ws, "RUNNING", "FAILED");
        assertThat(running.getString("state")).isEqualTo("RUNNING");
        String url = running.getString("workspaceUrl");
        // the real Jupyter server, reachable with its token until the workspace is closed
        // through execution-service's proxy, as Jupyter's own clients call it (a browser trades the URL's token for a
        // cookie on a redirect; rest-assured keeps no cookie across it)
        String token = url.substring(url.indexOf("token=") + "token=".length());
        String bare = url.substring(0, url.indexOf('?'));
        await().atMost(Api.WAIT).ignoreExceptions().until(() -> given().header("Authorization", "token " + token)
                .get(bare + "api/status").statusCode() == 200);
        Instant startedAt = Instant.parse(running.getString("startedAt"));
        long wait = Duration.between(Instant.now(), startedAt.plusSeconds(WORKSPACE_SECONDS)).toMillis();
        Platform.sleep(Math.max(0, wait));
        api.stop(ALICE, ws);
        JsonPath closed = api.awaitState(ALICE, ws, "STOPPED");
        ended.add(ws);
        assertThat(status(url)).as("the workspace is gone").isNotEqualTo(200);

        api.awaitSettled(ws);
        long expected = Api.expectedCharge(closed);
        long charged = api.charged(ws);
        System.out.printf("e2e journey: workspace ran %d s (%s .. %s) at %d/h: charged %d, floor(price x s / 3600) = %d%n",
                Api.seconds(closed), closed.getString("startedAt"), closed.getString("endedAt"),
                closed.getLong("pricePerHourMinor"), charged, expected);
        assertThat(Api.seconds(closed)).isBetween(WORKSPACE_SECONDS, WORKSPACE_SECONDS + 30);
        assertThat(charged).isEqualTo(expected);
        long spent = ended.stream().mapToLong(api::charged).sum();
        await().atMost(Api.WAIT).untilAsserted(() -> assertThat(api.balance(ALICE)).isEqualTo(FIRST_TOP_UP - spent));
    }

    @Test
    @Order(4)
    void storageUsageIncludesTheSavedWorkingDirectories() {
        long saved = 0;
        for (String id : ended) {
            saved += api.savedBytes(id);
        }
        long expectedSaved = saved;
        assertThat(expectedSaved).isPositive();
        await().atMost(Api.WAIT).untilAsserted(() -> {
            Map<String, Long> byKind = api.storage(ALICE).getMap("usedByKind", String.class, Long.class);
            assertThat(byKind.get("WORKING_DIRECTORY")).isEqualTo(expectedSaved);
            assertThat(api.storage(ALICE).getLong("usedBytes"))
                    .isEqualTo(byKind.values().stream().mapToLong(Long::longValue).sum());
        });
        System.out.printf("e2e journey: %d working directories saved, %d bytes, all counted by storage-service%n",
                ended.size(), expectedSaved);
    }

    @Test
    @Order(5)
    void aFullQuotaRefusesGearsAndUploadsUntilDataIsDeleted() {
        long seen = lastNotice(ALICE);
        long used = api.storage(ALICE).getLong("usedBytes");
        api.setQuota(aliceId, used + 600_000);
        String bulk = api.item(ALICE, "datasets", "journey bulk");
        api.upload(ALICE, "datasets", bulk, "a.bin", Api.random(500_000, 2)).then().statusCode(201);
        assertProblem(api.upload(ALICE, "datasets", bulk, "b.bin", Api.random(200_000, 3)), 409, "quota-exceeded");

        // a run's saved home is not reserved ahead: it takes alice over her quota
        String filler = api.script(ALICE, seedGear, "head -c 300000 /dev/urandom > /hyperai/home/filler.bin");
        assertThat(api.awaitState(ALICE, filler, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");
        await().atMost(Api.WAIT).until(() -> api.storage(ALICE).getBoolean("blocked"));
        assertProblem(api.createGear(ALICE, "journey refused", CHEAP, List.of()), 403, "storage-blocked");
        Response refused = api.upload(ALICE, "datasets", dataset, "c.bin", Api.random(1000, 4));
        assertThat(refused.statusCode()).as(refused.asString()).isBetween(400, 499);
        // execution-service admits a start from storage's events (docs/decisions.md): once it has read the exceeded
        // event, which it notes for alice in the same transaction, the start is refused
        await().atMost(Api.WAIT).until(() -> !noticesAfter(seen)
                .getList("items.findAll { it.kind == 'QUOTA_EXCEEDED' }").isEmpty());
        assertProblem(api.start(ALICE, seedGear, "script", "true"), 403, "storage-blocked");

        api.as(ALICE, "warehouse").delete("/api/v1/datasets/" + bulk).then().statusCode(204);
        await().atMost(Api.WAIT).until(() -> !api.storage(ALICE).getBoolean("blocked"));
        api.gear(ALICE, "journey allowed again", CHEAP, List.of());
        api.upload(ALICE, "datasets", dataset, "c.bin", Api.random(1000, 4)).then().statusCode(201);
        JsonPath s = api.storage(ALICE);
        System.out.printf("e2e journey: quota %d, used %d after deleting the bulk dataset%n", s.getLong("quotaBytes"),
                s.getLong("usedBytes"));
        api.setQuota(aliceId, 10L * 1024 * 1024 * 1024);
    }

    @Test
    @Order(6)
    void anExhaustedBalanceStopsTheWorkspaceAnswers402AndATopUpAllowsAgain() {
        String wsGear = api.gear(ALICE, "journey exhausting", PRICEY, List.of());
        long before = api.balance(ALICE);
        assertThat(before).isPositive();
        long seen = lastNotice(ALICE);
        String ws = api.workspace(ALICE, wsGear);
        JsonPath stopped = api.awaitState(ALICE, ws, "STOPPED", "FAILED", "SUCCEEDED");
        assertThat(stopped.getString("state")).isEqualTo("STOPPED");
        assertThat(stopped.getString("reason")).isEqualTo("BALANCE_EXHAUSTED");
        assertThat(api.account(ALICE).getBoolean("exhausted")).isTrue();
        assertProblem(api.start(ALICE, wsGear, "jupyter", null), 402, "balance-exhausted");
        api.awaitSettled(ws);
        System.out.printf("e2e journey: balance %d ran out after %d s of a %d/h workspace; balance now %d%n", before,
                Api.seconds(stopped), stopped.getLong("pricePerHourMinor"), api.balance(ALICE));

        api.topUp(aliceId, 10_000, "e2e-journey-second");
        await().atMost(Api.WAIT).until(() -> !api.account(ALICE).getBoolean("exhausted"));
        String again = api.script(ALICE, seedGear, "true");
        assertThat(api.awaitState(ALICE, again, "SUCCEEDED", "FAILED").getString("state")).isEqualTo("SUCCEEDED");

        // told once that the balance ran out and once that the workspace was stopped for it, however many passes saw it
        String exhausted = "items.findAll { it.kind == 'BALANCE_EXHAUSTED' }";
        String stoppedNotice = "items.findAll { it.kind == 'EXECUTION_STOPPED' && it.executionId == '" + ws + "' }";
        await().atMost(Api.WAIT).until(() -> !noticesAfter(seen).getList(exhausted).isEmpty()
                && !noticesAfter(seen).getList(stoppedNotice).isEmpty());
        JsonPath told = noticesAfter(seen);
        assertThat(told.getList(exhausted)).hasSize(1);
        assertThat(told.getList(stoppedNotice)).hasSize(1);
    }

    private static JsonPath noticesAfter(long seen) {
        return api.as(ALICE, "execution").queryParam("after", seen).queryParam("size", 100)
                .get("/api/v1/notifications").then().statusCode(200).extract().jsonPath();
    }

    /** The id of the user's newest notification (0 if none): what is told after it is new. */
    private static long lastNotice(String user) {
        List<Long> ids = api.as(user, "execution").queryParam("size", 1).get("/api/v1/notifications").then()
                .statusCode(200).extract().jsonPath().getList("items.id", Long.class);
        return ids.isEmpty() ? 0 : ids.get(0);
    }

    /** The status of a GET, or -1 when nothing listens any more. */
    static int status(String url) {
        try {
            return given().get(url).statusCode();
        } catch (Exception e) { // ConnectException, thrown undeclared
            return -1;
        }
    }

    static void assertProblem(Response r, int status, String type) {
        assertThat(r.statusCode()).as(r.asString()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.jsonPath().getString("type")).endsWith(type);
    }
}
