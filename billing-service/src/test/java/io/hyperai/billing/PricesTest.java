package io.hyperai.billing;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.notNullValue;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/** The price list comes from gear-service (here its stand-in), called with billing's service token. */
@QuarkusTest
@QuarkusTestResource(value = GearStandIn.class, restrictToAnnotatedClass = false)
class PricesTest {

    @Test
    void usersSeeCurrentSpecsWithPricesPerHourAndPerSecond() {
        given().auth().oauth2(Tokens.bob()).get("/api/v1/billing/prices").then().statusCode(200)
                .body("computeSpecId", contains("cpu-2c4g", "gpu-a100-1"))
                .body("computeSpecId", not(hasItem("gpu-k80-1")))
                .body("find { it.computeSpecId == 'gpu-a100-1' }.pricePerHourMinor", equalTo(1290))
                .body("find { it.computeSpecId == 'gpu-a100-1' }.pricePerSecondMinor", equalTo("0.358333"))
                .body("find { it.computeSpecId == 'gpu-a100-1' }.gpuModel", equalTo("A100-80G"))
                .body("find { it.computeSpecId == 'cpu-2c4g' }.pricePerSecondMinor", equalTo("0.027777"));
    }

    @Test
    void gearDownAnswers503WithRetryAfter() {
        System.setProperty(GearStandIn.DOWN, "true");
        try {
            given().auth().oauth2(Tokens.alice()).get("/api/v1/billing/prices").then().statusCode(503)
                    .contentType("application/problem+json")
                    .header("Retry-After", notNullValue())
                    .body("detail", equalTo("gear-service is not answering; nothing was changed, try again later"));
        } finally {
            System.clearProperty(GearStandIn.DOWN);
        }
        given().auth().oauth2(Tokens.alice()).get("/api/v1/billing/prices").then().statusCode(200);
    }

    @Test
    void theStandInRefusesTokensWithoutTheServiceRole() {
        org.assertj.core.api.Assertions.assertThat(GearStandIn.hasServiceRole("Bearer " + Tokens.admin())).isFalse();
        org.assertj.core.api.Assertions.assertThat(GearStandIn.hasServiceRole("Bearer " + Tokens.service("x")))
                .isTrue();
    }
}
