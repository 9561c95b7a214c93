package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.hyperai.execution.runtime.ExecutionRuntime;
import io.hyperai.execution.runtime.PodFactory;
import io.hyperai.infra.k8s.FakeKubelet;
import io.hyperai.infra.k8s.FakeKubelet.Outcome;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/**
 * The informer reports a pod when it changes, not again at each of its resyncs: the periodic pass already reconciles
 * every execution once per interval, and a second reconciliation of every running pod per interval was most of the
 * reconciler's work (docs/scale.md). The resync interval is 2 s here.
 */
@QuarkusTest
class PodChangesTest {

    @Inject
    ExecutionRuntime runtime;

    @BeforeEach
    void admitEverything() {
        ExecutionTestResource.admitEverything();
    }

    @Test
    void aPodIsReportedWhenItChangesAndNotAtEachResync() {
        String gearId = ExecutionTestResource.cpuGear("bob");
        ExecutionTestResource.kubelet.plan(FakeKubelet.withLabel(PodFactory.LABEL_GEAR, gearId), Outcome.SUCCEED,
                Duration.ofMinutes(10));
        String id = given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON)
                .body("{\"mode\":\"script\",\"entryCommand\":\"python train.py\"}")
                .post("/api/v1/gears/" + gearId + "/executions").then().statusCode(201).extract().path("id");
        await().atMost(Duration.ofSeconds(60)).until(() -> "RUNNING".equals(given().auth().oauth2(Tokens.bob())
                .get("/api/v1/executions/" + id).then().extract().path("state")));

        List<String> reported = new CopyOnWriteArrayList<>();
        runtime.onChange(changed -> {
            if (changed.equals(id)) {
                reported.add(changed);
            }
        });
        // three resync intervals of a pod that does not change
        await().pollDelay(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(7)).until(() -> true);
        assertThat(reported).as("reports of an unchanged pod").isEmpty();

        // a change is reported
        ExecutionTestResource.kubernetes.client().pods().inNamespace(ExecutionTestResource.NAMESPACE)
                .withName(PodFactory.podName(id)).edit(p -> new PodBuilder(p).editMetadata()
                        .addToAnnotations("hyperai.test/touched", "yes").endMetadata().build());
        await().atMost(Duration.ofSeconds(30)).until(() -> !reported.isEmpty());

        given().auth().oauth2(Tokens.bob()).post("/api/v1/executions/" + id + "/stop").then().statusCode(200);
    }
}
