package io.hyperai.billing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;

import org.junit.jupiter.api.Test;

import io.hyperai.billing.service.ChargeRule;

/** The rounding rule on its own: interval charges of a run always add up to the cost of its total time. */
class ChargeRuleTest {

    @Test
    void intervalChargesAddUpToTheCostOfTheTotalTimeExactly() {
        Random random = new Random(20261129);
        for (int i = 0; i < 20_000; i++) {
            long price = random.nextInt(10) == 0 ? random.nextInt(10) : random.nextInt(2_000_000);
            long length = 10 + random.nextInt(3591);
            long total = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(3 * (int) length);
                case 1 -> length * random.nextInt(50);
                default -> random.nextInt(48 * 3600);
            };
            long sum = 0;
            long intervals = ChargeRule.intervals(length, total);
            for (long k = 1; k <= intervals; k++) {
                long charge = ChargeRule.intervalCharge(price, k, length, total);
                assertThat(charge).as("interval %d of %d s at %d/h", k, total, price).isNotNegative();
                sum += charge;
            }
            assertThat(sum).as("%d s in %d s intervals at %d/h", total, length, price)
                    .isEqualTo(price * total / 3600);
        }
    }

    @Test
    void aRunOf125SecondsIsThreeIntervalsOfSixty() {
        assertThat(ChargeRule.intervals(60, 125)).isEqualTo(3);
        assertThat(ChargeRule.intervalCharge(1290, 1, 60, 125) + ChargeRule.intervalCharge(1290, 2, 60, 125)
                + ChargeRule.intervalCharge(1290, 3, 60, 125)).isEqualTo(1290 * 125 / 3600);
        assertThat(ChargeRule.intervals(60, 0)).isZero();
        assertThat(ChargeRule.intervals(60, 60)).isEqualTo(1);
        assertThat(ChargeRule.intervals(60, 61)).isEqualTo(2);
    }

    @Test
    void aCheapSpecIsChargedWhenTheCarriedRemainderReachesAMinorUnit() {
        // 50 per hour: one minor unit every 72 s; per-interval rounding down would charge nothing at all
        long[] charges = new long[5];
        for (int k = 1; k <= 5; k++) {
            charges[k - 1] = ChargeRule.intervalCharge(50, k, 60, 300);
        }
        assertThat(charges).containsExactly(0, 1, 1, 1, 1);
    }
}
