package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ChargeRule;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;

/**
 * A run whose end event never arrives is closed by the next pass against execution-service's truth, charged exactly
 * to its true end; the end event arriving late changes nothing.
 */
@QuarkusTest
@QuarkusTestResource(value = ExecutionStandIn.class, restrictToAnnotatedClass = false)
class OpenRunsPassTest {

    @Test
    void aRunWhoseEndEventWasLostIsChargedExactlyToItsTrueEnd() {
        String ex = newId("lost-end");
        String owner = newId("owner");
        Instant t0 = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(10));
        Instant end = t0.plusSeconds(125);
        send(ex, started(ex, owner, "gpu-a100-1", 1290, t0));
        awaitStarted(ex);
        assertThat(settled(ex)).isFalse();

        ExecutionStandIn.ended(ex, owner, t0, end);
        awaitSettled(ex);
        long expected = ChargeRule.intervalCharge(1290, 1, 60, 125) + ChargeRule.intervalCharge(1290, 2, 60, 125)
                + ChargeRule.intervalCharge(1290, 3, 60, 125);
        assertThat(charged(ex)).isEqualTo(expected);
        assertThat(number("SELECT CAST(extract(epoch FROM ended_at) AS bigint) FROM metered_run WHERE execution_id = ?",
                ex)).isEqualTo(end.getEpochSecond());
        assertThat(ExecutionStandIn.server.received()).anyMatch(r -> r.body().contains(ex));

        // the event comes after all: nothing changes
        send(ex, stopped(ex, owner, t0, end));
        drain(ex);
        assertThat(charged(ex)).isEqualTo(expected);
        System.out.printf("open runs: a run without its end event charged %d minor units, as its end would have%n",
                expected);
    }
}
