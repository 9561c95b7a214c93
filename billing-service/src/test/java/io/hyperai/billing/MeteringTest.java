package io.hyperai.billing;

import static io.hyperai.billing.BillingFixtures.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.BillingFixtures.Entry;
import io.hyperai.billing.service.AccrualJob;
import io.hyperai.billing.service.AccrualService;
import io.hyperai.billing.service.ChargeRule;
import io.hyperai.common.events.EventType;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.vertx.VertxContextSupport;

/**
 * Metering from real execution events on the real broker into the real ledger. Event times lie in the
 * past, so intervals are due at once and nothing waits for the clock.
 */
@QuarkusTest
class MeteringTest {

    static final long L = 60;

    @Inject
    AccrualService accrual;
    @Inject
    AccrualJob job;

    static Instant now() {
        return Instant.now().truncatedTo(ChronoUnit.SECONDS);
    }

    @Test
    void aWorkspaceThatRuns125SecondsIsChargedExactly125SecondsInThreeEntries() {
        String ex = newId("ws");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(10));
        send(ex, started(ex, owner, "gpu-a100-1", 1290, t0));
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(125)));
        awaitSettled(ex);

        List<Entry> entries = entries(ex);
        assertThat(entries).extracting(Entry::intervalNo).containsExactly(1, 2, 3);
        assertThat(entries).extracting(Entry::seconds).containsExactly(60L, 60L, 5L);
        assertThat(entries).extracting(Entry::amountMinor).containsExactly(
                ChargeRule.intervalCharge(1290, 1, L, 125), ChargeRule.intervalCharge(1290, 2, L, 125),
                ChargeRule.intervalCharge(1290, 3, L, 125));
        assertThat(entries.get(0).periodStart()).isEqualTo(t0);
        assertThat(entries.get(2).periodEnd()).isEqualTo(t0.plusSeconds(125));
        assertThat(charged(ex)).isEqualTo(1290L * 125 / 3600).isEqualTo(44);
        assertThat(balance(owner)).isEqualTo(-44);
    }

    @Test
    void manyDurationsAndPricesAreChargedExactlyToTheMinorUnit() {
        Random random = new Random(6);
        long[] fixed = { 0, 1, 59, 60, 61, 119, 3600, 3601 };
        List<String[]> runs = new ArrayList<>();
        Instant t0 = now().minus(Duration.ofHours(3));
        for (int i = 0; i < 16; i++) {
            long price = i % 5 == 0 ? random.nextInt(100) : random.nextInt(50_000);
            long seconds = i < fixed.length ? fixed[i] : random.nextInt(7200);
            String ex = newId("many");
            String owner = newId("owner");
            send(ex, started(ex, owner, "gpu-rtx4090-1", price, t0));
            send(ex, ended(i % 2 == 0 ? EventType.EXECUTION_SUCCEEDED : EventType.EXECUTION_FAILED, ex, owner, t0,
                    t0.plusSeconds(seconds)));
            runs.add(new String[] { ex, owner, Long.toString(price), Long.toString(seconds) });
        }
        for (String[] run : runs) {
            awaitSettled(run[0]);
            long price = Long.parseLong(run[2]);
            long seconds = Long.parseLong(run[3]);
            List<Entry> entries = entries(run[0]);
            assertThat(entries).as("entries of %s s", seconds).hasSize((int) ChargeRule.intervals(L, seconds));
            for (Entry e : entries) {
                assertThat(e.amountMinor()).isEqualTo(ChargeRule.intervalCharge(price, e.intervalNo(), L, seconds));
            }
            assertThat(entries.stream().mapToLong(Entry::seconds).sum()).isEqualTo(seconds);
            assertThat(charged(run[0])).as("%s s at %s/h", seconds, price).isEqualTo(price * seconds / 3600);
            assertThat(balance(run[1])).isEqualTo(-(price * seconds / 3600));
        }
    }

    @Test
    void everyEventDeliveredTwiceOrReplayedChargesNothingMore() {
        String ex = newId("dup");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(30));
        String start = started(ex, owner, "cpu-4c16g", 300, t0);
        String end = stopped(ex, owner, t0, t0.plusSeconds(1000));
        long before = processed();
        send(ex, start);
        send(ex, start);
        send(ex, end);
        send(ex, end);
        // a replay of the same facts under new event ids, as a producer retrying after a crash would send
        send(ex, started(ex, owner, "cpu-4c16g", 300, t0));
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(1000)));
        drain(ex);

        assertThat(entries(ex)).hasSize(17);
        assertThat(charged(ex)).isEqualTo(300L * 1000 / 3600);
        assertThat(balance(owner)).isEqualTo(-(300L * 1000 / 3600));
        // four distinct event ids and the marker's two; the two exact duplicates were not processed again
        assertThat(processed() - before).isEqualTo(6);
    }

    /** Another service that could write the topic cannot end a run: its "end" is kept aside and the meter runs on. */
    @Test
    void anEndClaimedByAnotherServiceStopsNothing() {
        String ex = newId("forged");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(10));
        send(ex, started(ex, owner, "gpu-a100-1", 1290, t0));
        String forged = ended("/gear-service", EventType.EXECUTION_STOPPED, ex, owner, t0, t0.plusSeconds(5));
        send(ex, forged);
        drain(ex);
        assertThat(settled(ex)).isFalse();
        assertThat(number("SELECT count(*) FROM dead_letter WHERE consumer = 'billing-metering' AND event_id = ? "
                + "AND reason LIKE '%claims the source /gear-service%'", io.hyperai.common.events.EventCodec.read(forged).id()))
                .isEqualTo(1);

        send(ex, stopped(ex, owner, t0, t0.plusSeconds(125)));
        awaitSettled(ex);
        assertThat(charged(ex)).isEqualTo(1290L * 125 / 3600);
    }

    @Test
    void anEndBeforeItsStartIsChargedWhenTheStartArrives() {
        String ex = newId("late-start");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(20));
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(601)));
        drain(ex);
        assertThat(entries(ex)).isEmpty();
        assertThat(settled(ex)).isFalse();

        send(ex, started(ex, owner, "gpu-a100-1", 1290, t0));
        awaitSettled(ex);
        assertThat(entries(ex)).hasSize(11);
        assertThat(charged(ex)).isEqualTo(1290L * 601 / 3600);
    }

    @Test
    void anExecutionThatEndedBeforeItRanIsNotCharged() {
        String ex = newId("never-ran");
        String owner = newId("owner");
        send(ex, ended(EventType.EXECUTION_FAILED, ex, owner, null, now()));
        drain(ex);
        assertThat(entries(ex)).isEmpty();
        assertThat(balance(owner)).isZero();
    }

    @Test
    void aSecondStartWithAnotherPriceChangesNothing() {
        String ex = newId("price");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(15));
        send(ex, started(ex, owner, "gpu-h100-8", 23900, t0));
        // the catalogue price changed; a later start event (a replay, a buggy producer) carries the new one
        send(ex, started(ex, owner, "gpu-h100-8", 99900, t0.plusSeconds(300)));
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(700)));
        awaitSettled(ex);
        assertThat(charged(ex)).isEqualTo(23900L * 700 / 3600);
        assertThat(entries(ex)).hasSize(12);
    }

    @Test
    void aLateEndRefundsWhatWasChargedPastIt() {
        String ex = newId("late-end");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(10));
        send(ex, started(ex, owner, "gpu-a100-1", 1290, t0));
        awaitStarted(ex);
        // the accrual charges the ten complete intervals since t0 before the (late) end arrives
        accrueNow(accrual);
        assertThat(entries(ex)).hasSize(10);
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(330)));
        awaitSettled(ex);

        Entry refund = entries(ex).get(0);
        assertThat(refund.intervalNo()).isZero();
        assertThat(refund.seconds()).isEqualTo(330 - 600);
        assertThat(refund.amountMinor()).isEqualTo(1290L * 330 / 3600 - 1290L * 600 / 3600);
        assertThat(charged(ex)).isEqualTo(1290L * 330 / 3600);
        assertThat(balance(owner)).isEqualTo(-(1290L * 330 / 3600));
    }

    @Test
    void accrualRunTwiceAtOnceOrAfterARestartChargesEachIntervalOnce() throws Exception {
        String ex = newId("accrual");
        String twin = newId("accrual-twin");
        String owner = newId("owner");
        Instant t0 = now().minus(Duration.ofMinutes(5));
        send(ex, started(ex, owner, "cpu-16c64g", 1200, t0));
        awaitStarted(ex);
        assertThat(entries(ex)).isEmpty();
        accrueNow(accrual);
        assertThat(entries(ex)).hasSize(5);

        // two accruals at once, to 12 minutes after the start (intervals are numbered from the start)
        Instant asOf = t0.plusSeconds(12 * 60 + 30);
        CompletableFuture<?> a = CompletableFuture.runAsync(() -> accrueTo(asOf));
        CompletableFuture<?> b = CompletableFuture.runAsync(() -> accrueTo(asOf));
        a.get();
        b.get();
        assertThat(entries(ex)).extracting(Entry::intervalNo).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11,
                12);
        accrueTo(asOf);
        assertThat(entries(ex)).hasSize(12);

        // nothing is held in memory between runs: a run after a restart continues from the database
        accrueTo(t0.plusSeconds(15 * 60));
        assertThat(entries(ex)).hasSize(15);
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(15 * 60 + 45)));
        awaitSettled(ex);

        // the same run charged in one go has exactly the same ledger
        send(twin, started(twin, owner, "cpu-16c64g", 1200, t0));
        send(twin, stopped(twin, owner, t0, t0.plusSeconds(15 * 60 + 45)));
        awaitSettled(twin);
        assertThat(entries(ex)).hasSize(16).isEqualTo(entries(twin));
        assertThat(charged(ex)).isEqualTo(1200L * 945 / 3600);
        assertThat(balance(owner)).isEqualTo(-2 * (1200L * 945 / 3600));
    }

    @Test
    void theScheduledAccrualChargesARunningExecution() {
        String ex = newId("scheduled");
        String owner = newId("owner");
        Instant t0 = now().minusSeconds(50);
        send(ex, started(ex, owner, "cpu-2c4g", 3600, t0));
        awaitStarted(ex);
        // the first interval completes 10 s from now; the job (every 10 s in tests) charges it
        job.resume();
        try {
            await().atMost(Duration.ofSeconds(90)).until(() -> entries(ex).size() >= 1);
        } finally {
            job.pause();
        }
        assertThat(entries(ex).get(0).amountMinor()).isEqualTo(60);
        send(ex, stopped(ex, owner, t0, t0.plusSeconds(75)));
        awaitSettled(ex);
        assertThat(charged(ex)).isEqualTo(75);
    }

    private void accrueTo(Instant asOf) {
        try {
            VertxContextSupport.subscribeAndAwait(() -> accrual.accrueTo(asOf));
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }
}
