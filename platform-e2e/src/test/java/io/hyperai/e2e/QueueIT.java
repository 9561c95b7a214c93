package io.hyperai.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * Issue 17's queue on the local runtime: the CPU pool has a number of slots shared by every user. User A fills what
 * is free with long scripts; her next two wait QUEUED (no process, no start, nothing charged) at positions 1 and 2;
 * user B's first run, started after them, overtakes both (fair order: the user holding the fewest slots goes next),
 * and estimates grow with the position. {@code GET /api/v1/queue}, {@code hyperai queue} and {@code hyperai ps} show
 * the same places. A slot freed by one of A's stops goes to B's run; a waiting run stopped never starts; the next
 * freed slot goes to A's oldest waiting run.
 */
@ExtendWith(E2e.class)
class QueueIT {

    private static final String SPEC = "cpu-1c2g";
    /** At 50 per hour, more than an hour of all the runs this test holds at once (it needs a few minutes). */
    private static final long BALANCE = 1_000;
    private static final String LONG = "sleep 600";
    private static final int FILLER_MAX_RUNTIME = 900;
    private static final int WAITER_MAX_RUNTIME = 300;
    /** How long a place in the queue may take to show (the queue's view is at most a second old; passes every 2 s). */
    private static final Duration SETTLE = Duration.ofSeconds(30);
    /** How long a freed slot may take to run the next execution (dispatch, then the sandboxed process starting). */
    private static final Duration DISPATCH = Duration.ofSeconds(45);
    private static final List<String> ACTIVE = List.of("QUEUED", "STARTING", "RUNNING");

    private static Api api;
    private static String a;
    private static String b;
    private static String gearA;
    private static String gearB;

    @BeforeAll
    static void setUp() {
        E2e.assumeLocalRuntime();
        api = Api.get();
        a = api.newUser("queue-a", BALANCE);
        b = api.newUser("queue-b", BALANCE);
        gearA = api.gear(a, "queue a", SPEC, List.of());
        gearB = api.gear(b, "queue b", SPEC, List.of());
    }

    @Test
    void aFullPoolQueuesFairlyAndAFreedSlotGoesToTheUserHoldingFewest() {
        try {
            JsonPath before = queue(a);
            int slots = cpu(before, "capacity.slots");
            int othersHold = cpu(before, "inUse.slots");
            int free = slots - othersHold;
            assertThat(free).as("free cpu slots (%d of %d are held by other tests' executions)", othersHold, slots)
                    .isGreaterThanOrEqualTo(2);

            // A fills every free slot with long scripts
            List<String> fillers = new ArrayList<>();
            for (int i = 0; i < free; i++) {
                fillers.add(start(a, gearA, FILLER_MAX_RUNTIME));
            }
            awaitRunning(a, fillers);
            // another test's run that ended meanwhile left a slot free: A takes it too, so that her next must wait
            for (int round = 0; round < 5; round++) {
                JsonPath q = queue(a);
                int left = cpu(q, "capacity.slots") - cpu(q, "inUse.slots");
                if (left <= 0) {
                    break;
                }
                List<String> more = new ArrayList<>();
                for (int i = 0; i < left; i++) {
                    more.add(start(a, gearA, FILLER_MAX_RUNTIME));
                }
                awaitRunning(a, more);
                fillers.addAll(more);
            }
            int filled = fillers.size();
            Instant lastFillerStart = fillers.stream()
                    .map(id -> Instant.parse(api.execution(a, id).getString("startedAt"))).max(Instant::compareTo)
                    .orElseThrow();

            // the pool is full: A's next two wait, in the order she started them
            String a1 = start(a, gearA, WAITER_MAX_RUNTIME);
            String a2 = start(a, gearA, WAITER_MAX_RUNTIME);
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertWaiting(a, a1, 1);
                assertWaiting(a, a2, 2);
            });
            List<String> seen = new ArrayList<>(List.of("A's waiting 1, 2"));

            // B's first run overtakes A's waiting ones: B holds nothing of the pool
            String b1 = start(b, gearB, WAITER_MAX_RUNTIME);
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertWaiting(b, b1, 1);
                assertWaiting(a, a1, 2);
                assertWaiting(a, a2, 3);
            });
            seen.add("B's 1, A's 2, 3");
            Instant readAt = Instant.now();
            Instant estB = estimate(b, b1);
            Instant estA1 = estimate(a, a1);
            Instant estA2 = estimate(a, a2);
            assertThat(estB).isBeforeOrEqualTo(estA1);
            assertThat(estA1).isBeforeOrEqualTo(estA2);
            // the first to start waits for the first slot to free: at least a minute away (what overruns is expected to
            // end a little later still), at most when A's last filler reaches its maxRuntime
            assertThat(estB).isAfter(readAt.plusSeconds(30))
                    .isBeforeOrEqualTo(lastFillerStart.plusSeconds(FILLER_MAX_RUNTIME + 5));

            JsonPath bQueue = queue(b);
            assertThat(bQueue.getList("mine")).hasSize(1);
            assertThat(bQueue.getString("mine[0].executionId")).isEqualTo(b1);
            assertThat(bQueue.getString("mine[0].gearId")).isEqualTo(gearB);
            assertThat(bQueue.getString("mine[0].pool")).isEqualTo("cpu");
            assertThat(bQueue.getInt("mine[0].position")).isEqualTo(1);
            assertThat(bQueue.getString("mine[0].estimatedStartAt")).isNotNull();
            assertThat(cpu(bQueue, "waiting")).isGreaterThanOrEqualTo(3);
            assertThat(cpu(bQueue, "inUse.slots")).isEqualTo(cpu(bQueue, "capacity.slots"));
            assertThat(cpu(bQueue, "running")).isGreaterThanOrEqualTo(fillers.size());

            // the CLI, as B
            Cli cli = Cli.fresh();
            assertThat(cli.run("login", b, "--password", b).exitCode()).isZero();
            Cli.Result queued = cli.run("queue");
            assertThat(queued.exitCode()).as(queued.toString()).isZero();
            Matcher cpuLine = Pattern.compile("(?m)^cpu\\s+" + Pattern.quote(slots(slots))
                    + "\\s+\\d+ slots?\\s+\\d+\\s+(\\d+)$").matcher(queued.out());
            assertThat(cpuLine.find()).as(queued.toString()).isTrue();
            assertThat(Integer.parseInt(cpuLine.group(1))).isGreaterThanOrEqualTo(3);
            assertThat(queued.out()).contains("your waiting executions")
                    .containsPattern("(?m)^" + Pattern.quote(b1) + "\\s+cpu\\s+1\\s+\\S");
            Cli.Result ps = cli.run("ps");
            assertThat(ps.exitCode()).as(ps.toString()).isZero();
            assertThat(ps.out().lines().filter(l -> l.contains(b1)).toList()).as(ps.toString()).singleElement()
                    .asString().contains("QUEUED #1");

            // a slot freed by A goes to B
            JsonPath freed = api.stop(a, fillers.remove(0));
            assertThat(freed.getString("state")).isEqualTo("STOPPED");
            long t0 = System.nanoTime();
            JsonPath bRunning = awaitState(b, b1, DISPATCH, "RUNNING");
            double observed = (System.nanoTime() - t0) / 1e9;
            assertThat(bRunning.getString("state")).as("B's execution %s", b1).isEqualTo("RUNNING");
            assertThat(bRunning.getString("startedAt")).isNotNull();
            assertThat(bRunning.getString("queue")).isNull();
            long handOverMillis = Duration.between(Instant.parse(freed.getString("endedAt")),
                    Instant.parse(bRunning.getString("startedAt"))).toMillis();
            await().atMost(SETTLE).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
                assertWaiting(a, a1, 1);
                assertWaiting(a, a2, 2);
            });
            seen.add("B's running, A's 1, 2");

            // a waiting run stopped never starts
            JsonPath stopped = api.stop(a, a2);
            assertThat(stopped.getString("state")).isEqualTo("STOPPED");
            JsonPath a2Ended = api.execution(a, a2);
            assertThat(a2Ended.getString("state")).isEqualTo("STOPPED");
            assertThat(a2Ended.getString("startedAt")).isNull();
            assertThat(a2Ended.getString("queue")).isNull();
            assertThat(a2Ended.getList("history.state", String.class)).doesNotContain("STARTING", "RUNNING");

            // the next freed slot goes to A's oldest waiting run (nobody else waits)
            api.stop(a, fillers.remove(0));
            long t1 = System.nanoTime();
            JsonPath a1Running = awaitState(a, a1, DISPATCH, "RUNNING");
            double observedA1 = (System.nanoTime() - t1) / 1e9;
            assertThat(a1Running.getString("state")).as("A's first waiting execution %s", a1).isEqualTo("RUNNING");
            assertThat(a1Running.getString("startedAt")).isNotNull();

            // billing never opened a run for the stopped waiting one: nothing charged
            assertThat(api.charged(a2)).isZero();
            assertThat(api.number("billing",
                    "SELECT count(*) FROM metered_run WHERE execution_id = ? AND price_per_hour_minor IS NOT NULL", a2))
                    .isZero();
            assertThat(api.execution(a, a2).getString("startedAt")).isNull();

            System.out.printf("e2e queue: cpu pool of %d slots, %d held by others, %d free filled by A (%d fillers);"
                    + " positions seen %s; estimates B %s <= A %s <= A %s; B RUNNING %.1f s after A's stop"
                    + " (startedAt - endedAt %d ms); A's first waiting RUNNING %.1f s after the next stop%n",
                    slots, othersHold, free, filled, seen, estB, estA1, estA2, observed, handOverMillis,
                    observedA1);
        } finally {
            stopActive(a);
            stopActive(b);
        }
    }

    private static String start(String user, String gear, int maxRuntimeSeconds) {
        return api.as(user, "execution").contentType(ContentType.JSON)
                .body(Map.of("mode", "script", "entryCommand", LONG, "maxRuntimeSeconds", maxRuntimeSeconds))
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(201).extract().path("id");
    }

    private static JsonPath queue(String user) {
        return api.as(user, "execution").get("/api/v1/queue").then().statusCode(200).extract().jsonPath();
    }

    /** A field of the cpu pool in {@code GET /api/v1/queue}. */
    private static int cpu(JsonPath queue, String field) {
        Number n = queue.get("pools.find { it.pool == 'cpu' }." + field);
        assertThat(n).as("cpu pool's %s in %s", field, queue.prettify()).isNotNull();
        return n.intValue();
    }

    private static void awaitRunning(String user, List<String> ids) {
        for (String id : ids) {
            JsonPath e = awaitState(user, id, Api.WAIT, "RUNNING");
            assertThat(e.getString("state")).as(() -> "execution " + id + ", logs: " + api.logs(user, id))
                    .isEqualTo("RUNNING");
        }
    }

    /** Waits until the execution is in {@code wanted} or has ended; returns it as it then is. */
    private static JsonPath awaitState(String user, String id, Duration within, String wanted) {
        await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
            String state = api.state(user, id);
            return wanted.equals(state) || !ACTIVE.contains(state);
        });
        return api.execution(user, id);
    }

    private static void assertWaiting(String user, String id, int position) {
        JsonPath e = api.execution(user, id);
        assertThat(e.getString("state")).as("state of %s", id).isEqualTo("QUEUED");
        assertThat(e.getString("startedAt")).as("startedAt of %s", id).isNull();
        assertThat(e.getString("queue.pool")).as("pool of %s", id).isEqualTo("cpu");
        assertThat(e.<Integer>get("queue.position")).as("position of %s", id).isEqualTo(position);
    }

    private static Instant estimate(String user, String id) {
        String at = api.execution(user, id).getString("queue.estimatedStartAt");
        assertThat(at).as("estimatedStartAt of %s", id).isNotNull();
        return Instant.parse(at);
    }

    /** As {@code hyperai queue} counts them. */
    private static String slots(int n) {
        return n + (n == 1 ? " slot" : " slots");
    }

    /** Stops every execution of the user that has not ended (one that ended meanwhile answers 409). */
    private static void stopActive(String user) {
        if (user == null) {
            return;
        }
        try {
            List<Map<String, Object>> items = api.as(user, "execution").queryParam("size", 100)
                    .get("/api/v1/executions").then().statusCode(200).extract().jsonPath().getList("items");
            for (Map<String, Object> e : items) {
                if (ACTIVE.contains(String.valueOf(e.get("state")))) {
                    int status = api.as(user, "execution").post("/api/v1/executions/" + e.get("id") + "/stop")
                            .statusCode();
                    if (status != 200 && status != 409) {
                        System.out.printf("e2e queue: stopping %s of %s answered %d%n", e.get("id"), user, status);
                    }
                }
            }
        } catch (RuntimeException | AssertionError e) {
            System.out.printf("e2e queue: cleaning up %s failed: %s%n", user, e);
        }
    }
}
