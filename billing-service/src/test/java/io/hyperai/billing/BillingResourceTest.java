package io.hyperai.billing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class BillingResourceTest {

    @Test
    void aNewUserHasAZeroBalanceInMinorUnits() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/billing/me").then().statusCode(200)
                .body("userId", equalTo("bob"))
                .body("balanceMinor", equalTo(0))
                .body("currency", equalTo("CNY"));
    }
}
