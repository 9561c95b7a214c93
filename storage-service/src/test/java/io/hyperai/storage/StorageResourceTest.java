package io.hyperai.storage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class StorageResourceTest {

    @Test
    void aNewUserHasTheDefaultQuotaAndUsesNothing() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/storage/me").then().statusCode(200)
                .body("quotaBytes", equalTo(21474836480L))
                .body("usedBytes", equalTo(0))
                .body("usedByKind.DATASET", equalTo(0))
                .body("usedByKind.WORKING_DIRECTORY", equalTo(0))
                .body("reservedBytes", equalTo(0))
                .body("blocked", equalTo(false));
    }
}
