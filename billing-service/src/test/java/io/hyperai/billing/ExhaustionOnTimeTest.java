package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.equalTo;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.repository.LedgerRepository.Exhausted;
import io.hyperai.billing.service.ExhaustionWatch;
import io.hyperai.common.events.EventCodec;
import io.hyperai.common.events.EventEnvelope;
import io.hyperai.common.events.payload.BillingBalanceState;
import io.hyperai.test.SharedInfrastructure;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Executions stop when the money runs out, not at the next accrual: the balance less what the running executions
 * have used since their last charged interval is checked every few seconds (here: at chosen times), and the
 * account is exhausted and published at the crossing, once; the charges stay exact to the second.
 */
@QuarkusTest
class ExhaustionOnTimeTest {

    @Inject
    ExhaustionWatch watch;

    @Test
    void theBalanceRunsOutWhenTheRunningExecutionsHaveUsedItNotAtTheNextAccrual() {
        String user = newId("dora");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BalanceTest.topUp(user, 100, newId("ref")).statusCode(201);
        // one minor unit a second, 30 s used: 70 left, not exhausted
        String first = newId("on-time-1");
        Instant t1 = now.minusSeconds(30);
        send(first, started(first, user, "cpu-2c4g", 3600, t1));
        awaitStarted(first);
        assertThat(check()).extracting(Exhausted::userId).doesNotContain(user);
        // a second run 80 s in: 110 used of 100, nothing charged yet (intervals are 60 s and the accrual is off)
        String second = newId("on-time-2");
        Instant t2 = now.minusSeconds(80);
        send(second, started(second, user, "cpu-2c4g", 3600, t2));
        awaitStarted(second);
        List<Exhausted> exhausted = check();
        assertThat(exhausted).filteredOn(e -> e.userId().equals(user)).singleElement()
                .satisfies(e -> assertThat(e.balanceMinor()).isBetween(-40L, -10L));
        assertThat(balance(user)).as("nothing charged by the check").isEqualTo(100);
        BalanceTest.admission(user).body("allowed", equalTo(false)).body("balanceMinor", equalTo(100));
        assertThat(check()).as("once per crossing").extracting(Exhausted::userId).doesNotContain(user);

        // execution-service stops them; the final charges are exact to the second, and no second crossing
        send(first, stopped(first, user, t1, now.plusSeconds(10)));
        send(second, stopped(second, user, t2, now.plusSeconds(10)));
        awaitSettled(first);
        awaitSettled(second);
        assertThat(balance(user)).isEqualTo(100 - 40 - 90);
        BalanceTest.topUp(user, 1000, newId("ref")).statusCode(201);
        List<EventEnvelope> events = BalanceTest.balanceEvents(user, 2);
        assertThat(events).extracting(EventEnvelope::type)
                .containsExactly("billing.balance.exhausted", "billing.balance.restored");
        assertThat(EventCodec.payload(events.get(0), BillingBalanceState.class).balanceMinor()).isBetween(-40L,
                -10L);
        BalanceTest.admission(user).body("allowed", equalTo(true));
    }

    /** A top-up that commits while the check holds the account's old row is judged on its new balance. */
    @Test
    void aTopUpCommittedDuringTheCheckWins() throws Exception {
        String user = newId("erin");
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        BalanceTest.topUp(user, 100, newId("ref")).statusCode(201);
        String run = newId("racing");
        send(run, started(run, user, "cpu-2c4g", 3600, now.minusSeconds(110)));
        awaitStarted(run);
        // used up by the check's snapshot (100 - 110), but a top-up of 1000 holds the account and then commits
        try (Connection topUp = SharedInfrastructure.postgres().connect("billing")) {
            topUp.setAutoCommit(false);
            update(topUp, "UPDATE billing_account SET balance_minor = balance_minor + 1000 WHERE user_id = ?", user);
            CompletableFuture<List<Exhausted>> racing = CompletableFuture.supplyAsync(this::check);
            await().atMost(WAIT).until(() -> number("SELECT count(*) FROM pg_stat_activity WHERE datname = 'billing' "
                    + "AND wait_event_type = 'Lock' AND query LIKE '%uncharged%'") == 1);
            topUp.commit();
            assertThat(racing.get()).extracting(Exhausted::userId).doesNotContain(user);
        }
        assertThat(number("SELECT CAST(exhausted AS int) FROM billing_account WHERE user_id = ?", user)).isZero();
        BalanceTest.admission(user).body("allowed", equalTo(true)).body("balanceMinor", equalTo(1100));
    }

    private List<Exhausted> check() {
        return awaitOnContext(watch::checkNow);
    }

    private static void update(Connection c, String sql, String param) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, param);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

}
