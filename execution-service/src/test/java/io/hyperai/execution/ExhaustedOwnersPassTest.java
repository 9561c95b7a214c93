package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.StandInService.Answer;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * Without any {@code billing.balance.exhausted} event, a user billing says has used up their balance has their running
 * execution stopped by the next repair pass; another user's keeps running.
 */
@QuarkusTest
class ExhaustedOwnersPassTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @AfterEach
    void nobodyExhausted() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void aRunningExecutionOfAnExhaustedUserIsStoppedWithoutTheEvent() {
        String bobs = running("bob", Tokens.bob());
        String alices = running("alice", Tokens.alice());
        ExecutionTestResource.dependencies.on("POST", "/internal/billing/exhausted",
                r -> Answer.json(r.body().contains("bob") ? "{\"userIds\":[\"bob\"]}" : "{\"userIds\":[]}"));

        await().atMost(WAIT).until(() -> "STOPPED".equals(field(Tokens.bob(), bobs, "state")));
        assertThat(field(Tokens.bob(), bobs, "reason")).isEqualTo("BALANCE_EXHAUSTED");
        await().atMost(WAIT).until(() -> ExecutionTestResource.kubernetes.client().pods()
                .inNamespace(ExecutionTestResource.NAMESPACE).withName(PodFactory.podName(bobs)).get() == null);
        assertThat(field(Tokens.alice(), alices, "state")).isEqualTo("RUNNING");
        given().auth().oauth2(Tokens.alice()).post("/api/v1/executions/" + alices + "/stop").then().statusCode(200);

        // the pass's answer is kept for admission: bob's next start asks billing (which now refuses) again
        ExecutionTestResource.dependencies.on("GET", "/internal/billing/admission/bob",
                r -> Answer.json("{\"balanceMinor\":0,\"currency\":\"CNY\",\"allowed\":false}"));
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body("{\"mode\":\"jupyter\"}")
                .post("/api/v1/gears/" + ExecutionTestResource.cpuGear("bob") + "/executions").then().statusCode(402);
    }

    private static String running(String owner, String token) {
        String gearId = ExecutionTestResource.cpuGear(owner);
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED,
                Duration.ofMinutes(10));
        String id = given().auth().oauth2(token).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(WAIT).until(() -> "RUNNING".equals(field(token, id, "state")));
        return id;
    }

    private static String field(String token, String id, String name) {
        return given().auth().oauth2(token).get("/api/v1/executions/" + id).then().statusCode(200).extract().path(name);
    }
}
