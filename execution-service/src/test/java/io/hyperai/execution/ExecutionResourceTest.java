package io.hyperai.execution;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ExecutionResourceTest {

    @Test
    void aNewUserHasNoExecutions() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions").then().statusCode(200)
                .body("items.size()", equalTo(0))
                .body("total", equalTo(0))
                .body("size", equalTo(20));
    }

    @Test
    void pageBoundsAreValidatedAndNamed() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions?size=1000").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("size"));
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions?page=-1").then().statusCode(400)
                .contentType("application/problem+json").body("errors.field", hasItem("page"));
        given().auth().oauth2(Tokens.bob()).get("/api/v1/executions?page=abc").then().statusCode(400)
                .contentType("application/problem+json");
    }
}
