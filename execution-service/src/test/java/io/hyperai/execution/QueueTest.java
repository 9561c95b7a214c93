package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionQueued;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/**
 * The queue on the Kubernetes runtime: a pool of four GPUs (a node of the fake cluster of its own model) is filled,
 * more runs wait in QUEUED without a pod, with positions and estimates, in an order fair between users, and start one
 * by one as capacity frees; a waiting run is cancelled at no charge; a spec no node has is refused before anything.
 */
@QuarkusTest
class QueueTest {

    static final String MODEL = "QTEST-80G";
    static final String POOL = "qtest-80g";
    static final int GPUS = 4;
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final List<String[]> started = new ArrayList<>(); // token kind, execution id

    @BeforeEach
    void admit() {
        ExecutionTestResource.admitEverything();
    }

    @AfterEach
    void stopEverything() {
        for (String[] run : started) {
            given().auth().oauth2(token(run[0])).post("/api/v1/executions/" + run[1] + "/stop");
        }
    }

    static String token(String user) {
        return "bob".equals(user) ? Tokens.bob() : Tokens.alice();
    }

    static String gpuGear(String owner, String model) {
        String id = "gear-queue-" + System.nanoTime();
        ExecutionTestResource.dependencies.on("GET", "/internal/gears/" + id, r -> Answer.json("{\"id\":\"" + id
                + "\",\"ownerId\":\"" + owner + "\",\"computeSpec\":{\"id\":\"gpu-" + model.toLowerCase() + "-1\","
                + "\"kind\":\"GPU\",\"vcpu\":12,\"memoryMib\":86016,\"diskGib\":100,\"gpuCount\":1,\"gpuModel\":\""
                + model + "\",\"pricePerHourMinor\":1290,\"currency\":\"CNY\",\"nodeSelector\":"
                + "{\"hyperai.io/gpu-model\":\"" + model.toLowerCase() + "\"}},"
                + "\"image\":{\"id\":\"pytorch-2.4-gpu\",\"imageRef\":\"hyperai/pytorch:2.4\",\"build\":\"GPU\"},"
                + "\"bindings\":[]}"));
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, id), Outcome.RUN_FOREVER,
                Duration.ZERO);
        return id;
    }

    private String start(String user, String gear, int maxRuntimeSeconds) {
        String id = given().auth().oauth2(token(user)).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\",\"maxRuntimeSeconds\":"
                        + maxRuntimeSeconds + "}")
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(201)
                .body("state", equalTo("QUEUED")).extract().path("id");
        started.add(new String[] { user, id });
        return id;
    }

    private static JsonPath get(String user, String id) {
        return given().auth().oauth2(token(user)).get("/api/v1/executions/" + id).then().statusCode(200).extract()
                .jsonPath();
    }

    private static void awaitState(String user, String id, String state) {
        await().atMost(WAIT).until(() -> state.equals(get(user, id).getString("state")));
    }

    private static void awaitPosition(String user, String id, int position) {
        try {
            await().atMost(WAIT).until(() -> {
                JsonPath e = get(user, id);
                return "QUEUED".equals(e.getString("state")) && e.get("queue") != null
                        && e.getInt("queue.position") == position;
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError(id + " is not at position " + position + ": " + get(user, id).prettify()
                    + "\nqueue: " + given().auth().oauth2(token(user)).get("/api/v1/queue").asString(), e);
        }
    }

    private static boolean hasPod(String id) {
        return ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).get() != null;
    }

    private static Instant estimate(String user, String id) {
        return Instant.parse(get(user, id).getString("queue.estimatedStartAt"));
    }

    @Test
    void aFullPoolQueuesFairlyWithPositionsAndEstimatesAndStartsEachAsCapacityFrees() {
        String aliceGear = gpuGear("alice", MODEL);
        String bobGear = gpuGear("bob", MODEL);
        List<String> running = new ArrayList<>();
        for (int i = 0; i < GPUS; i++) {
            // a minute apart, so that one GPU frees at a time (start times have whole seconds)
            running.add(start("alice", aliceGear, 3600 + 60 * i));
        }
        running.forEach(id -> awaitState("alice", id, "RUNNING"));

        List<String> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            waiting.add(start("alice", aliceGear, 600));
        }
        for (int i = 0; i < waiting.size(); i++) {
            awaitPosition("alice", waiting.get(i), i + 1);
        }
        // the first waits for the first of the running hour-long runs to end
        Instant firstEnd = Instant.parse(get("alice", running.get(0)).getString("startedAt")).plusSeconds(3600);
        assertThat(Duration.between(firstEnd, estimate("alice", waiting.get(0))).abs()).isLessThan(Duration.ofSeconds(2));

        // bob's first run goes before alice's waiting ones: she holds the whole pool
        String bobs = start("bob", bobGear, 600);
        awaitPosition("bob", bobs, 1);
        for (int i = 0; i < waiting.size(); i++) {
            awaitPosition("alice", waiting.get(i), i + 2);
        }
        List<Instant> estimates = new ArrayList<>(List.of(estimate("bob", bobs)));
        waiting.forEach(id -> estimates.add(estimate("alice", id)));
        assertThat(estimates).isSorted();
        assertThat(waiting).noneMatch(QueueTest::hasPod);
        assertThat(hasPod(bobs)).isFalse();

        // bob sees the pool and his own place, never alice's runs
        JsonPath queue = given().auth().oauth2(Tokens.bob()).get("/api/v1/queue").then().statusCode(200).extract()
                .jsonPath();
        String pool = "pools.find { it.pool == '" + POOL + "' }";
        assertThat(queue.getInt(pool + ".capacity.gpus")).isEqualTo(GPUS);
        assertThat(queue.getInt(pool + ".inUse.gpus")).isEqualTo(GPUS);
        assertThat(queue.getInt(pool + ".running")).isEqualTo(GPUS);
        assertThat(queue.getInt(pool + ".waiting")).isEqualTo(4);
        assertThat(queue.getList("mine.executionId", String.class)).containsExactly(bobs);
        assertThat(queue.getInt("mine[0].position")).isEqualTo(1);

        // the queued event carried the place it was given
        ExecutionQueued queued = queuedEvent(bobs);
        assertThat(queued.pool()).isEqualTo(POOL);
        assertThat(queued.position()).isEqualTo(1);
        assertThat(queued.estimatedStartAt()).isNotNull();

        // a waiting run is cancelled: it never had a pod, never ran
        String cancelled = waiting.remove(2);
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + cancelled + "/stop").then().statusCode(200)
                .body("state", equalTo("STOPPED"));
        assertThat(get("alice", cancelled).getString("startedAt")).isNull();

        // one GPU frees: bob's run starts, alice's keep waiting in their order
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + running.get(0) + "/stop").then()
                .statusCode(200);
        awaitState("bob", bobs, "RUNNING");
        awaitPosition("alice", waiting.get(0), 1);
        awaitPosition("alice", waiting.get(1), 2);
        // the next: alice's first waiting run, first come first served
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + running.get(1) + "/stop").then()
                .statusCode(200);
        awaitState("alice", waiting.get(0), "RUNNING");
        assertThat(get("alice", waiting.get(1)).getString("state")).isEqualTo("QUEUED");
        assertThat(hasPod(waiting.get(1))).isFalse();
    }

    /** Something the queue does not count used the namespace's quota: the refused run waits again, never fails. */
    @Test
    void aPodTheQuotaRefusesWaitsAgainAndStartsLater() {
        String gear = gpuGear("alice", MODEL);
        // this gear's pod only: a pod of another test's run created meanwhile must not take the refusal
        ExecutionTestResource.kubernetes.refuseNextPodCreate(Map.of(PodFactory.LABEL_GEAR, gear), 403, "Forbidden",
                "pods \"exec-x\" is forbidden: exceeded quota: executions, requested: requests.nvidia.com/gpu=1,"
                        + " used: requests.nvidia.com/gpu=16, limited: requests.nvidia.com/gpu=16");
        String id = start("alice", gear, 600);
        awaitState("alice", id, "RUNNING");
        JsonPath e = get("alice", id);
        assertThat(e.getList("history.state", String.class)).doesNotContain("FAILED");
        assertThat(e.getList("history.reason", String.class)).contains("WAITING_FOR_CAPACITY");
    }

    @Test
    void aGpuNoNodeHasIsRefusedBeforeAnythingIsRecorded() {
        String gear = gpuGear("alice", "NOSUCH-80G");
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gear + "/executions").then().statusCode(409)
                .contentType("application/problem+json").body("type", endsWith("pool-unavailable"))
                .body("detail", equalTo("no execution of spec gpu-nosuch-80g-1 can run here: this platform has no"
                        + " NOSUCH-80G GPUs; choose another spec for the gear"));
        given().auth().oauth2(Tokens.alice()).queryParam("gearId", gear).get("/api/v1/executions").then()
                .statusCode(200).body("total", equalTo(0));
    }

    private static ExecutionQueued queuedEvent(String id) {
        Supplier<List<ConsumerRecord<String, String>>> read = () -> KafkaProbe.shared().readUntil(Topics.EXECUTION,
                WAIT, rs -> rs.stream().anyMatch(r -> id.equals(r.key())));
        EventEnvelope event = read.get().stream().filter(r -> id.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.queued")).findFirst().orElseThrow();
        return EventCodec.payload(event, ExecutionQueued.class);
    }
}
