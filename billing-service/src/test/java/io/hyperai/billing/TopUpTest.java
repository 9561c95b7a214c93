package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.balance;
import static io.hyperai.billing.BillingFixtures.newId;
import static io.hyperai.billing.BillingFixtures.number;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import org.junit.jupiter.api.Test;

import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;

/** Admin top-ups: idempotent by reference, validated, refused to non-admins. */
@QuarkusTest
class TopUpTest {

    @Test
    void aRepeatedReferenceReturnsTheFirstResultAndCreditsOnce() {
        String user = newId("dave");
        String reference = newId("pay");
        JsonPath first = BalanceTest.topUp(user, 5000, reference).statusCode(201)
                .body("userId", equalTo(user)).body("amountMinor", equalTo(5000))
                .body("balanceAfterMinor", equalTo(5000)).body("currency", equalTo("CNY"))
                .extract().jsonPath();
        JsonPath again = BalanceTest.topUp(user, 5000, reference).statusCode(200).extract().jsonPath();
        assertThat(again.getMap("")).isEqualTo(first.getMap(""));
        assertThat(balance(user)).isEqualTo(5000);
        assertThat(number("SELECT count(*) FROM top_up WHERE reference = ?", reference)).isEqualTo(1);

        BalanceTest.topUp(user, 700, newId("pay")).statusCode(201).body("balanceAfterMinor", equalTo(5700));
        assertThat(balance(user)).isEqualTo(5700);
    }

    @Test
    void theSameReferenceWithAnotherAmountOrUserIsAConflict() {
        String user = newId("erin");
        String reference = newId("pay");
        BalanceTest.topUp(user, 100, reference).statusCode(201);
        BalanceTest.topUp(user, 101, reference).statusCode(409).contentType("application/problem+json")
                .body("status", equalTo(409));
        BalanceTest.topUp(newId("frank"), 100, reference).statusCode(409);
        assertThat(balance(user)).isEqualTo(100);
    }

    @Test
    void badAmountsAndReferencesAreRefusedNamingTheField() {
        String user = newId("gina");
        for (String amount : new String[] { "0", "-5", "1000000000000", "null", "1.5" }) {
            given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                    .body("{\"amountMinor\":" + amount + ",\"reference\":\"r-" + amount.hashCode() + "\"}")
                    .post("/api/v1/billing/accounts/" + user + "/top-ups").then().statusCode(400)
                    .contentType("application/problem+json").body("errors.field", hasItem("amountMinor"));
        }
        for (String reference : new String[] { "", "has space", "x".repeat(101) }) {
            given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                    .body("{\"amountMinor\":10,\"reference\":\"" + reference + "\"}")
                    .post("/api/v1/billing/accounts/" + user + "/top-ups").then().statusCode(400)
                    .body("errors.field", hasItem("reference"));
        }
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body("{\"amountMinor\":10}")
                .post("/api/v1/billing/accounts/" + user + "/top-ups").then().statusCode(400)
                .body("errors.field", hasItem("reference"));
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body("{not json")
                .post("/api/v1/billing/accounts/" + user + "/top-ups").then().statusCode(400);
        assertThat(balance(user)).isZero();
    }

    @Test
    void onlyAdminsTopUp() {
        given().auth().oauth2(Tokens.alice()).contentType(ContentType.JSON)
                .body("{\"amountMinor\":10,\"reference\":\"" + newId("pay") + "\"}")
                .post("/api/v1/billing/accounts/alice/top-ups").then().statusCode(403)
                .contentType("application/problem+json");
        given().auth().oauth2(Tokens.service("execution-service")).contentType(ContentType.JSON)
                .body("{\"amountMinor\":10,\"reference\":\"" + newId("pay") + "\"}")
                .post("/api/v1/billing/accounts/alice/top-ups").then().statusCode(403);
    }
}
