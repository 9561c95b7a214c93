package io.hyperai.warehouse;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ItemResourceTest {

    @Test
    void aNewUserHasNoDatasetsOrModels() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/datasets").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("total", equalTo(0));
        given().auth().oauth2(Tokens.bob()).get("/api/v1/models?size=5").then().statusCode(200)
                .body("items.size()", equalTo(0)).body("size", equalTo(5));
    }
}
