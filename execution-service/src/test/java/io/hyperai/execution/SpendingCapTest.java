package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.EventType;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.ExecutionStarted;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.execution.runtime.HomeSave;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Spending caps as execution-service meets them: a start refused while the monthly cap holds, an execution's own cap
 * carried to billing, and the stops (reason SPENDING_CAP, home saved) on billing's event or, without it, on the
 * repair pass's answer.
 */
@QuarkusTest
class SpendingCapTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @AfterEach
    void nobodyCapped() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void aStartIsRefusedWhileTheMonthlyCapHoldsAndACostCapIsValidated() {
        String user = "cap-" + UUID.randomUUID();
        String gearId = ExecutionTestResource.cpuGear(user);
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/" + user, r -> Answer.json(
                "{\"userId\":\"" + user + "\",\"balanceMinor\":900,\"currency\":\"CNY\",\"allowed\":false,"
                        + "\"refusal\":\"spending-cap-reached\"}"));
        given().auth().oauth2(Tokens.provider().token(user)).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(409)
                .body("type", equalTo("urn:hyperai:problem:spending-cap-reached"));
        assertThat(given().auth().oauth2(Tokens.provider().token(user)).get("/api/v1/executions").then()
                .extract().<Integer>path("total")).isZero();
        given().auth().oauth2(Tokens.provider().token(user)).contentType(ContentType.JSON)
                .body("{\"mode\":\"jupyter\",\"maxCostMinor\":0}").post("/api/v1/gears/" + gearId + "/executions")
                .then().statusCode(400).body("errors.field", hasItem("maxCostMinor"));
    }

    @Test
    void anExecutionsOwnCapIsCarriedToBillingAndItsEventStopsThatExecutionOnly() {
        String user = "cap-" + UUID.randomUUID();
        String gearId = gear(user);
        String capped = start(user, gearId, "{\"mode\":\"jupyter\",\"maxCostMinor\":300}");
        String other = start(user, gearId, "{\"mode\":\"jupyter\"}");
        awaitState(user, capped, "RUNNING");
        awaitState(user, other, "RUNNING");
        given().auth().oauth2(Tokens.provider().token(user)).get("/api/v1/executions/" + capped).then()
                .body("maxCostMinor", equalTo(300));
        ExecutionStarted started = KafkaProbe.shared().readUntil(Topics.EXECUTION, WAIT,
                rs -> rs.stream().anyMatch(r -> capped.equals(r.key()) && r.value().contains("execution.started")))
                .stream().filter(r -> capped.equals(r.key())).map(r -> EventCodec.read(r.value()))
                .filter(e -> e.type().equals("execution.started")).findFirst()
                .map(e -> EventCodec.payload(e, ExecutionStarted.class)).orElseThrow();
        assertThat(started.maxCostMinor()).isEqualTo(300);

        capReached(new SpendingCapReached(user, "EXECUTION", capped, 300, 301, "CNY"));
        awaitState(user, capped, "STOPPED");
        assertThat(field(user, capped, "reason")).isEqualTo("SPENDING_CAP");
        awaitHomeSave(capped);
        assertThat(field(user, other, "state")).isEqualTo("RUNNING");
        given().auth().oauth2(Tokens.provider().token(user)).post("/api/v1/executions/" + other + "/stop").then()
                .statusCode(200);
    }

    @Test
    void theMonthlyCapEventStopsEveryActiveExecutionOfThatUserOnly() {
        String user = "cap-" + UUID.randomUUID();
        String bystander = "cap-" + UUID.randomUUID();
        String running = start(user, gear(user), "{\"mode\":\"jupyter\"}");
        String others = start(bystander, gear(bystander), "{\"mode\":\"jupyter\"}");
        awaitState(user, running, "RUNNING");
        awaitState(bystander, others, "RUNNING");

        capReached(new SpendingCapReached(user, "MONTHLY", null, 500, 512, "CNY"));
        awaitState(user, running, "STOPPED");
        assertThat(field(user, running, "reason")).isEqualTo("SPENDING_CAP");
        awaitHomeSave(running);
        assertThat(field(bystander, others, "state")).isEqualTo("RUNNING");
        given().auth().oauth2(Tokens.provider().token(bystander)).post("/api/v1/executions/" + others + "/stop")
                .then().statusCode(200);
    }

    /** No event: billing's answer to the repair pass names the capped user and the capped execution. */
    @Test
    void withoutTheEventTheRepairPassStopsCappedUsersAndCappedExecutions() {
        String cappedUser = "cap-" + UUID.randomUUID();
        String owner = "cap-" + UUID.randomUUID();
        String ofCappedUser = start(cappedUser, gear(cappedUser), "{\"mode\":\"jupyter\"}");
        String ownGear = gear(owner);
        String overItsCap = start(owner, ownGear, "{\"mode\":\"jupyter\",\"maxCostMinor\":10}");
        String underItsCap = start(owner, ownGear, "{\"mode\":\"jupyter\"}");
        for (String[] run : List.of(new String[] { cappedUser, ofCappedUser }, new String[] { owner, overItsCap },
                new String[] { owner, underItsCap })) {
            awaitState(run[0], run[1], "RUNNING");
        }
        ExecutionTestResource.dependencies.on("POST", "/internal/billing/exhausted", r -> Answer.json(
                "{\"userIds\":[],\"cappedUserIds\":[\"" + cappedUser + "\"],\"cappedExecutionIds\":[\"" + overItsCap
                        + "\"]}"));

        awaitState(cappedUser, ofCappedUser, "STOPPED");
        awaitState(owner, overItsCap, "STOPPED");
        assertThat(field(cappedUser, ofCappedUser, "reason")).isEqualTo("SPENDING_CAP");
        assertThat(field(owner, overItsCap, "reason")).isEqualTo("SPENDING_CAP");
        assertThat(field(owner, underItsCap, "state")).isEqualTo("RUNNING");
        ExecutionTestResource.admitEverything();
        given().auth().oauth2(Tokens.provider().token(owner)).post("/api/v1/executions/" + underItsCap + "/stop")
                .then().statusCode(200);
    }

    private static void capReached(SpendingCapReached cap) {
        EventEnvelope event = EventCodec.envelope("/billing-service", EventType.BILLING_CAP_REACHED, cap.ownerId(), cap);
        KafkaProbe.shared().send(Topics.BILLING, cap.ownerId(), EventCodec.write(event), Map.of());
    }

    private static String gear(String owner) {
        String gearId = ExecutionTestResource.cpuGear(owner);
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.RUN_FOREVER,
                ExecutionTestResource.quick());
        return gearId;
    }

    private static String start(String owner, String gearId, String body) {
        return given().auth().oauth2(Tokens.provider().token(owner)).contentType(ContentType.JSON).body(body)
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
    }

    private static void awaitState(String owner, String id, String state) {
        await().atMost(WAIT).until(() -> state.equals(field(owner, id, "state")));
    }

    /** Stopped as any stop: the home is saved by its save pod, and the execution's own pod goes. */
    private static void awaitHomeSave(String id) {
        await().atMost(WAIT).until(() -> ExecutionTestResource.kubernetes.client().pods()
                .inNamespace(ExecutionTestResource.NAMESPACE).withName(HomeSave.podName(id)).get() != null);
        ExecutionTestResource.kubelet.finish(HomeSave.podName(id), 0);
        await().atMost(WAIT).until(() -> ExecutionTestResource.kubernetes.client().pods()
                .inNamespace(ExecutionTestResource.NAMESPACE).withName(PodFactory.podName(id)).get() == null);
    }

    private static String field(String owner, String id, String name) {
        return given().auth().oauth2(Tokens.provider().token(owner)).get("/api/v1/executions/" + id).then()
                .statusCode(200).extract().path(name);
    }
}
