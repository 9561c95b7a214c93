package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

import jakarta.inject.Inject;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.AccrualService;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.Topics;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.test.KafkaProbe;
import io.hyperai.test.Tokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;

/** Prepaid balances: exhaustion is published once per crossing, admission follows it, a top-up restores. */
@QuarkusTest
class BalanceTest {

    @Inject
    AccrualService accrual;

    @Test
    void exhaustionIsPublishedOncePerCrossingAndATopUpRestores() {
        String user = newId("carol");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        topUp(user, 100, newId("ref")).statusCode(201).body("balanceAfterMinor", equalTo(100));
        admission(user).body("allowed", equalTo(true)).body("balanceMinor", equalTo(100));

        // one minor unit a second: ten minutes take the balance to -500, then a second run takes it further
        String first = newId("exhaust-1");
        Instant t1 = now.minus(Duration.ofMinutes(10));
        send(first, started(first, user, "cpu-2c4g", 3600, t1));
        awaitStarted(first);
        accrueNow(accrual);
        assertThat(balance(user)).isEqualTo(100 - 600);
        String second = newId("exhaust-2");
        Instant t2 = now.minus(Duration.ofMinutes(5));
        send(second, started(second, user, "cpu-2c4g", 3600, t2));
        awaitStarted(second);
        accrueNow(accrual);
        assertThat(balance(user)).isEqualTo(100 - 600 - 300);
        // the execution service stops them; the final charges take the balance further below zero
        send(first, stopped(first, user, t1, now.plusSeconds(1)));
        send(second, stopped(second, user, t2, now.plusSeconds(1)));
        awaitSettled(first);
        awaitSettled(second);
        long expected = 100 - 601 - 301;
        assertThat(balance(user)).isEqualTo(expected);
        admission(user).body("allowed", equalTo(false)).body("balanceMinor", equalTo((int) expected))
                .body("currency", equalTo("CNY"));

        // what execution-service asks on every pass: this user, and one who never had an account, may run nothing
        String stranger = newId("nobody");
        String rich = newId("dave");
        topUp(rich, 500, newId("ref")).statusCode(201);
        exhausted(List.of(user, stranger, rich)).body("userIds", equalTo(List.of(user, stranger)));

        topUp(user, 2000, newId("ref")).statusCode(201).body("balanceAfterMinor", equalTo((int) expected + 2000));
        admission(user).body("allowed", equalTo(true));
        exhausted(List.of(user, rich)).body("userIds", equalTo(List.of()));
        List<EventEnvelope> events = balanceEvents(user, 2);
        assertThat(events).extracting(EventEnvelope::type)
                .containsExactly("billing.balance.exhausted", "billing.balance.restored");
        BillingBalanceState exhausted = EventCodec.payload(events.get(0), BillingBalanceState.class);
        assertThat(exhausted.ownerId()).isEqualTo(user);
        assertThat(exhausted.balanceMinor()).isLessThanOrEqualTo(0);
        assertThat(EventCodec.payload(events.get(1), BillingBalanceState.class).balanceMinor())
                .isEqualTo(expected + 2000);

        // a new crossing is a new event
        String third = newId("exhaust-3");
        Instant t3 = now.minus(Duration.ofMinutes(1));
        send(third, started(third, user, "gpu-h100-8", 360_000, t3));
        send(third, stopped(third, user, t3, t3.plusSeconds(60)));
        awaitSettled(third);
        assertThat(balanceEvents(user, 3)).extracting(EventEnvelope::type).containsExactly(
                "billing.balance.exhausted", "billing.balance.restored", "billing.balance.exhausted");
    }

    @Test
    void aUserBillingNeverHeardOfIsNotAdmitted() {
        admission(newId("nobody")).body("allowed", equalTo(false)).body("balanceMinor", equalTo(0));
    }

    static List<EventEnvelope> balanceEvents(String user, int atLeast) {
        List<ConsumerRecord<String, String>> records = KafkaProbe.shared().readUntil(Topics.BILLING, WAIT,
                rs -> rs.stream().filter(r -> user.equals(r.key())).count() >= atLeast);
        // records of one key are in order: a second exhausted before the restored one would show here
        return records.stream().filter(r -> user.equals(r.key())).map(r -> EventCodec.read(r.value())).toList();
    }

    static io.restassured.response.ValidatableResponse topUp(String user, long amount, String reference) {
        return given().auth().oauth2(Tokens.admin()).contentType(ContentType.JSON)
                .body("{\"amountMinor\":" + amount + ",\"reference\":\"" + reference + "\"}")
                .post("/api/v1/billing/accounts/" + user + "/top-ups").then();
    }

    static io.restassured.response.ValidatableResponse admission(String user) {
        return given().auth().oauth2(Tokens.service("execution-service")).get("/internal/billing/admission/" + user)
                .then().statusCode(200).body("userId", equalTo(user));
    }

    private static io.restassured.response.ValidatableResponse exhausted(List<String> users) {
        return given().auth().oauth2(Tokens.service("execution-service")).contentType(io.restassured.http.ContentType.JSON)
                .body(java.util.Map.of("userIds", users)).post("/internal/billing/exhausted").then().statusCode(200);
    }
}
