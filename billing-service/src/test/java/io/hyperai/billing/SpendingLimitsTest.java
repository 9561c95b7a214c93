package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.nullValue;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ExhaustionWatch;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.payload.BillingBalanceLow;
import io.hyperai.common.events.payload.SpendingCapReached;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.ValidatableResponse;

/**
 * Spending limits: a user's monthly cap and low-balance threshold, judged by the projection pass (here: at chosen
 * times) on the balance and spend projected to now; each crossing published once, re-armed when it is undone; and an
 * execution's own cap, carried by its start event.
 */
@QuarkusTest
class SpendingLimitsTest {

    @Inject
    ExhaustionWatch watch;

    @Test
    void limitsAreValidatedNamingTheFieldAndShownWithTheMonthsSpend() {
        String user = newId("lima");
        limits(user, "{\"monthlyCapMinor\": -1}").statusCode(400).body("errors[0].field", equalTo("monthlyCapMinor"));
        limits(user, "{\"lowBalanceThresholdMinor\": -5}").statusCode(400)
                .body("errors[0].field", equalTo("lowBalanceThresholdMinor"));
        limits(user, "{\"monthlyCapMinor\": 5000, \"lowBalanceThresholdMinor\": 0}").statusCode(200)
                .body("monthlyCapMinor", equalTo(5000)).body("lowBalanceThresholdMinor", equalTo(0))
                .body("capReached", equalTo(false));
        BalanceTest.topUp(user, 10_000, newId("ref")).statusCode(201);
        // 1 minor unit a second, 90 s in: nothing charged yet, 90 used
        String run = newId("month-spend");
        send(run, started(run, user, "cpu-2c4g", 3600, Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(90)));
        awaitStarted(run);
        var me = given().auth().oauth2(Tokens.provider().token(user)).get("/api/v1/billing/me").then().statusCode(200)
                .body("limits.monthlyCapMinor", equalTo(5000)).body("limits.lowBalanceThresholdMinor", equalTo(0))
                .body("spentThisMonthMinor", equalTo(0)).extract().jsonPath();
        assertThat(me.getLong("monthSpentMinor")).isBetween(90L, 150L);

        // null is no limit; only admins set another user's
        limits(user, "{\"monthlyCapMinor\": null}").statusCode(200).body("monthlyCapMinor", nullValue())
                .body("lowBalanceThresholdMinor", nullValue());
        given().auth().oauth2(Tokens.bob()).contentType(ContentType.JSON).body("{\"monthlyCapMinor\": 1}")
                .put("/api/v1/billing/accounts/" + user + "/limits").then().statusCode(403);
        given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON).body("{\"monthlyCapMinor\": 7000}")
                .put("/api/v1/billing/accounts/" + user + "/limits").then().statusCode(200)
                .body("monthlyCapMinor", equalTo(7000));
        assertThat(number("SELECT monthly_cap_minor FROM billing_account WHERE user_id = ?", user)).isEqualTo(7000);
        send(run, stopped(run, user, Instant.now().minusSeconds(90), Instant.now()));
        awaitSettled(run);
    }

    @Test
    void aLowBalanceIsSaidOncePerCrossingAndReArmedAboveTheThreshold() {
        String user = newId("lowe");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BalanceTest.topUp(user, 1000, newId("ref")).statusCode(201);
        limits(user, "{\"lowBalanceThresholdMinor\": 500}").statusCode(200).body("lowBalance", equalTo(false));
        // 300 of 1000 used: above the threshold
        String first = newId("low-1");
        send(first, started(first, user, "cpu-2c4g", 3600, now.minusSeconds(300)));
        awaitStarted(first);
        watch();
        assertThat(number("SELECT CAST(low_balance AS int) FROM billing_account WHERE user_id = ?", user)).isZero();
        // and 600 more by a second run: ~100 left, at 2 a second together
        String second = newId("low-2");
        send(second, started(second, user, "cpu-2c4g", 3600, now.minusSeconds(600)));
        awaitStarted(second);
        watch();
        watch();
        List<EventEnvelope> events = BalanceTest.balanceEvents(user, 1);
        assertThat(events).extracting(EventEnvelope::type).containsExactly("billing.balance.low");
        BillingBalanceLow low = EventCodec.payload(events.get(0), BillingBalanceLow.class);
        assertThat(low.thresholdMinor()).isEqualTo(500);
        assertThat(low.balanceMinor()).isBetween(40L, 100L);
        assertThat(low.runwaySeconds()).isEqualTo(low.balanceMinor() * 3600 / 7200);
        assertThat(balance(user)).as("nothing charged by the pass").isEqualTo(1000);

        // a top-up re-arms it; a raised threshold the balance is already under is said at once
        BalanceTest.topUp(user, 1000, newId("ref")).statusCode(201);
        watch();
        assertThat(number("SELECT CAST(low_balance AS int) FROM billing_account WHERE user_id = ?", user)).isZero();
        limits(user, "{\"lowBalanceThresholdMinor\": 5000}").statusCode(200).body("lowBalance", equalTo(true));
        watch();
        events = BalanceTest.balanceEvents(user, 2);
        assertThat(events).extracting(EventEnvelope::type).containsExactly("billing.balance.low", "billing.balance.low");
        assertThat(EventCodec.payload(events.get(1), BillingBalanceLow.class).thresholdMinor()).isEqualTo(5000);
        stop(user, first, now.minusSeconds(300));
        stop(user, second, now.minusSeconds(600));
    }

    @Test
    void theMonthlyCapRefusesStartsAndNamesTheUserToStopUntilRaisedOrANewMonth() {
        String user = newId("capa");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BalanceTest.topUp(user, 100_000, newId("ref")).statusCode(201);
        limits(user, "{\"monthlyCapMinor\": 500}").statusCode(200).body("capReached", equalTo(false));
        String run = newId("capped-run");
        send(run, started(run, user, "cpu-2c4g", 3600, now.minusSeconds(600)));
        awaitStarted(run);
        watch();
        watch();
        List<EventEnvelope> events = BalanceTest.balanceEvents(user, 1);
        assertThat(events).extracting(EventEnvelope::type).containsExactly("billing.cap.reached");
        SpendingCapReached cap = EventCodec.payload(events.get(0), SpendingCapReached.class);
        assertThat(cap.scope()).isEqualTo("MONTHLY");
        assertThat(cap.executionId()).isNull();
        assertThat(cap.capMinor()).isEqualTo(500);
        assertThat(cap.spentMinor()).isBetween(600L, 700L);
        BalanceTest.admission(user).body("allowed", equalTo(false)).body("refusal", equalTo("spending-cap-reached"));
        mustStop(user).body("cappedUserIds", hasItem(user)).body("userIds", not(hasItem(user)));

        // a raised cap lifts it at once
        limits(user, "{\"monthlyCapMinor\": 50000}").statusCode(200).body("capReached", equalTo(false));
        BalanceTest.admission(user).body("allowed", equalTo(true)).body("refusal", nullValue());
        mustStop(user).body("cappedUserIds", not(hasItem(user)));
        // lowered under the spend again: a new crossing, said once more
        limits(user, "{\"monthlyCapMinor\": 100}").statusCode(200).body("capReached", equalTo(true));
        assertThat(BalanceTest.balanceEvents(user, 2)).extracting(EventEnvelope::type)
                .containsExactly("billing.cap.reached", "billing.cap.reached");
        stop(user, run, now.minusSeconds(600));

        // a cap reached in an earlier month does not hold in this one
        LocalDate lastMonth = LocalDate.now(ZoneOffset.UTC).withDayOfMonth(1).minusMonths(1);
        String other = newId("capb");
        BalanceTest.topUp(other, 1000, newId("ref")).statusCode(201);
        limits(other, "{\"monthlyCapMinor\": 500}").statusCode(200);
        execute("UPDATE billing_account SET capped_month = ? WHERE user_id = ?", lastMonth, other);
        BalanceTest.admission(other).body("allowed", equalTo(true));
        watch();
        assertThat(number("SELECT count(*) FROM billing_account WHERE user_id = ? AND capped_month IS NULL", other))
                .isEqualTo(1);
    }

    @Test
    void anExecutionsOwnCapIsReachedOnceAndItsFinalChargeStaysExact() {
        String user = newId("exca");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BalanceTest.topUp(user, 100_000, newId("ref")).statusCode(201);
        String under = newId("under-cap");
        send(under, started(under, user, "gear-x", "cpu-2c4g", 3600, now.minusSeconds(50), 1000L));
        String over = newId("over-cap");
        Instant t0 = now.minusSeconds(200);
        send(over, started(over, user, "gear-x", "cpu-2c4g", 3600, t0, 150L));
        awaitStarted(under);
        awaitStarted(over);
        assertThat(number("SELECT max_cost_minor FROM metered_run WHERE execution_id = ?", over)).isEqualTo(150);
        watch();
        watch();
        List<EventEnvelope> events = BalanceTest.balanceEvents(user, 1);
        assertThat(events).extracting(EventEnvelope::type).containsExactly("billing.cap.reached");
        SpendingCapReached cap = EventCodec.payload(events.get(0), SpendingCapReached.class);
        assertThat(cap.scope()).isEqualTo("EXECUTION");
        assertThat(cap.executionId()).isEqualTo(over);
        assertThat(cap.capMinor()).isEqualTo(150);
        assertThat(cap.spentMinor()).isBetween(200L, 260L);
        mustStop(user).body("cappedExecutionIds", equalTo(List.of(over))).body("cappedUserIds", not(hasItem(user)));
        BalanceTest.admission(user).body("allowed", equalTo(true));

        // stopped by execution-service: charged to the second, past the cap by what ran until the stop
        send(over, stopped(over, user, t0, t0.plusSeconds(230)));
        awaitSettled(over);
        assertThat(charged(over)).isEqualTo(230);
        mustStop(user).body("cappedExecutionIds", equalTo(List.of()));
        stop(user, under, now.minusSeconds(50));
    }

    private void watch() {
        awaitOnContext(watch::checkNow);
    }

    private static ValidatableResponse limits(String user, String body) {
        return given().auth().oauth2(Tokens.provider().token(user)).contentType(ContentType.JSON).body(body)
                .put("/api/v1/billing/me/limits").then();
    }

    private static ValidatableResponse mustStop(String user) {
        return given().auth().oauth2(Tokens.service("execution-service")).contentType(ContentType.JSON)
                .body(Map.of("userIds", List.of(user))).post("/internal/billing/exhausted").then().statusCode(200)
                .body("userIds", not(hasItem(user)));
    }

    private static void stop(String user, String run, Instant startedAt) {
        send(run, stopped(run, user, startedAt, Instant.now()));
        awaitSettled(run);
    }
}
