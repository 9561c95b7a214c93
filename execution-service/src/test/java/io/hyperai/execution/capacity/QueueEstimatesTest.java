package io.hyperai.execution.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The queue's estimates on a seeded synthetic workload (QueueSimulationBench's, smaller): in each pool's order they
 * never decrease, the estimate given at submission is off by a small fraction of the wait, and four users with work
 * waiting get GPU time alike. The same seed gives the same figures, so these bounds are not timing-dependent.
 */
class QueueEstimatesTest {

    @Test
    void estimatesFollowTheOrderAndMissByLittleAndUsersShareAlike() {
        QueueSimulationBench.Result r = QueueSimulationBench.run(7, new int[] { 120, 90, 60, 30 });
        System.out.printf("queue estimates (seed 7, 300 runs): error / wait %.3f, Jain %.3f, %d order checks%n",
                r.maeMinutes() / r.meanWaitMinutes(), r.jain(), r.orderChecks());
        assertThat(r.orderChecks()).isPositive();
        assertThat(r.orderViolations()).isZero();
        // running times spread around their expectation (lognormal, sigma 0.5): the start is still known to ~10 %
        assertThat(r.maeMinutes() / r.meanWaitMinutes()).isLessThan(0.15);
        assertThat(r.jain()).isGreaterThan(0.95);
    }
}
