package io.hyperai.billing.mapping;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The runway: the balance less what runs and is not charged yet, over the combined price of what runs. */
class AccountViewTest {

    private static RunningView run(long perHour, long charged, long costSoFar) {
        return new RunningView("e", "g", "cpu", "jupyter", perHour, Instant.EPOCH, 0, charged, costSoFar);
    }

    @Test
    void theRunwayIsWhatIsLeftAfterTheUnchargedUseAtTheCombinedPrice() {
        // 1 and 2 minor units a second; 10 and 30 used since their last charges: 960 left for 320 s
        AccountView view = AccountView.of("u", 1000, "CNY", false, "2026-12", 0,
                List.of(run(3600, 120, 130), run(7200, 60, 90)), LimitsView.NONE);
        assertThat(view.projectedBalanceMinor()).isEqualTo(960);
        assertThat(view.runwaySeconds()).isEqualTo(320);
        assertThat(view.monthSpentMinor()).as("charged this month plus the uncharged use").isEqualTo(40);
    }

    @Test
    void aUsedUpBalanceHasNoRunwayAndNothingRunningHasNone() {
        AccountView spent = AccountView.of("u", 5, "CNY", true, "2026-12", 0, List.of(run(3600, 0, 20)), LimitsView.NONE);
        assertThat(spent.projectedBalanceMinor()).isEqualTo(-15);
        assertThat(spent.runwaySeconds()).isZero();
        AccountView idle = AccountView.of("u", 500, "CNY", false, "2026-12", 0, List.of(), LimitsView.NONE);
        assertThat(idle.projectedBalanceMinor()).isEqualTo(500);
        assertThat(idle.runwaySeconds()).isNull();
        AccountView free = AccountView.of("u", 500, "CNY", false, "2026-12", 0, List.of(run(0, 0, 0)), LimitsView.NONE);
        assertThat(free.runwaySeconds()).isNull();
    }
}
