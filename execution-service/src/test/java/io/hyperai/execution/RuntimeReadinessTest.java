package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** Ready once the pod informer has its first list: the check says which runtime and that it is synced. */
@QuarkusTest
@QuarkusTestResource(ExecutionTestResource.class)
class RuntimeReadinessTest {

    static final String RUNTIME = "checks.find { it.name == 'execution runtime' }";

    @Test
    void readyWhenThePodInformerHasSynced() {
        given().get("/q/health/ready").then().statusCode(200)
                .body(RUNTIME + ".status", equalTo("UP"))
                .body(RUNTIME + ".data.runtime", equalTo("kubernetes"))
                .body(RUNTIME + ".data.synced", equalTo(true))
                .body("checks.find { it.name == 'outbox backlog' }.status", equalTo("UP"));
    }
}
