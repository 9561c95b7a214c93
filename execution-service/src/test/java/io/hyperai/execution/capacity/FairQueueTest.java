package io.hyperai.execution.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.hyperai.execution.capacity.FairQueue.Holding;
import io.hyperai.execution.capacity.FairQueue.Place;
import io.hyperai.execution.capacity.FairQueue.Plan;
import io.hyperai.execution.capacity.FairQueue.Waiting;

/** The queue's order and estimates, as a pure function of what holds and what waits. */
class FairQueueTest {

    static final Instant NOW = Instant.parse("2026-12-04T10:00:00Z");
    static final String POOL = "a100-80g";
    static final Amount GPU = new Amount(12_000, 86_016, 1, 1);
    static final Capacities EIGHT_GPUS = new Capacities(Map.of(POOL, new Amount(96_000, 688_128, 8, 100)),
            Amount.UNLIMITED, true);

    static Waiting waiting(String id, String owner, int secondsAgo, Amount demand, Duration runtime) {
        return new Waiting(id, owner, POOL, demand, NOW.minusSeconds(secondsAgo), runtime);
    }

    static Amount gpus(int n) {
        return new Amount(12_000L * n, 86_016L * n, n, 1);
    }

    @Test
    void aSecondUsersFirstRunOvertakesTheFirstUsersTenthAndEstimatesFollowTheEnds() {
        List<Holding> holding = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            holding.add(new Holding("run-" + i, "alice", POOL, GPU, NOW.plus(Duration.ofMinutes(10L * (i + 1)))));
        }
        List<Waiting> waiting = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            waiting.add(waiting("alice-" + i, "alice", 100 - i, GPU, Duration.ofHours(1)));
        }
        waiting.add(waiting("bob-0", "bob", 1, GPU, Duration.ofHours(1)));

        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, holding, waiting, 0.5);

        assertThat(plan.dispatchNow()).isEmpty();
        assertThat(plan.places().get("bob-0")).isEqualTo(new Place(POOL, 1, NOW.plus(Duration.ofMinutes(10))));
        // alice's own runs keep their order, behind bob's, each starting as one of the eight ends
        for (int i = 0; i < 6; i++) {
            assertThat(plan.places().get("alice-" + i))
                    .isEqualTo(new Place(POOL, i + 2, NOW.plus(Duration.ofMinutes(10L * (i + 2)))));
        }
        // at 70 minutes bob's hour ends with the seventh run, so two of alice's start; then her own first hour's end
        assertThat(plan.places().get("alice-6")).isEqualTo(new Place(POOL, 8, NOW.plus(Duration.ofMinutes(70))));
        assertThat(plan.places().get("alice-7")).isEqualTo(new Place(POOL, 9, NOW.plus(Duration.ofMinutes(80))));
        assertThat(plan.places().get("alice-9")).isEqualTo(new Place(POOL, 11, NOW.plus(Duration.ofMinutes(90))));
        List<Instant> estimates = plan.places().values().stream()
                .sorted(java.util.Comparator.comparingInt(Place::position)).map(Place::estimatedStartAt).toList();
        assertThat(estimates).isSorted();
        assertThat(plan.places().values()).extracting(Place::position)
                .containsExactlyInAnyOrder(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11);
    }

    /**
     * The queue planner reads the owners' running-time history only when something is left waiting: it relies on
     * what is dispatched now, and its places, not depending on any expected running time (no backfilling).
     */
    @Test
    void whatIsDispatchedNowDoesNotDependOnExpectedRunningTimes() {
        List<Holding> holding = List.of(new Holding("alice-running", "alice", POOL, gpus(3), NOW.plusSeconds(60)),
                new Holding("bob-running", "bob", POOL, GPU, NOW.plus(Duration.ofHours(9))));
        for (Duration[] runtimes : new Duration[][] { { Duration.ofSeconds(1), Duration.ofDays(3) },
                { Duration.ofDays(3), Duration.ofSeconds(1) }, { Duration.ofHours(1), Duration.ofHours(1) } }) {
            List<Waiting> waiting = List.of(waiting("alice-1", "alice", 30, gpus(2), runtimes[0]),
                    waiting("carol-1", "carol", 20, gpus(3), runtimes[1]),
                    waiting("bob-1", "bob", 10, gpus(2), runtimes[1]),
                    waiting("alice-2", "alice", 5, GPU, runtimes[0]));

            Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, holding, waiting, 0.5);

            // 4 GPUs free: carol (holding nothing) takes 3; bob is next and needs 2 of the 1 left: nothing after him goes
            assertThat(plan.dispatchNow()).extracting(Waiting::id).containsExactly("carol-1");
            assertThat(plan.places().get("carol-1")).isEqualTo(new Place(POOL, 1, NOW));
        }
    }

    @Test
    void noUserTakesMoreThanTheMaximumShareWhileOthersWait() {
        List<Holding> holding = List.of(new Holding("alice-running", "alice", POOL, GPU, NOW.plus(Duration.ofHours(1))),
                new Holding("bob-running", "bob", POOL, gpus(2), NOW.plus(Duration.ofHours(2))));
        List<Waiting> waiting = List.of(waiting("alice-big", "alice", 100, gpus(4), Duration.ofHours(1)),
                waiting("bob-1", "bob", 50, GPU, Duration.ofHours(3)), waiting("bob-2", "bob", 40, GPU,
                        Duration.ofHours(3)));

        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, holding, waiting, 0.5);

        // alice holds less, but her run would give her 5 of 8 GPUs while bob waits: bob's two go first, and hers
        // waits (although it would fit) until her running one ends and she holds nothing
        assertThat(plan.dispatchNow()).extracting(Waiting::id).containsExactly("bob-1", "bob-2");
        assertThat(plan.places().get("alice-big")).isEqualTo(new Place(POOL, 3, NOW.plus(Duration.ofHours(1))));
    }

    @Test
    void aRunLargerThanTheCapIsNotStarvedByAnotherUsersSmallOnes() {
        List<Waiting> waiting = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            waiting.add(waiting("alice-" + i, "alice", 100 - i, GPU, Duration.ofHours(1)));
        }
        waiting.add(waiting("bob-0", "bob", 10, gpus(6), Duration.ofHours(1)));

        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, List.of(), waiting, 0.5);

        // bob holds nothing, so his six GPUs (above the cap) go second, after alice's oldest
        assertThat(plan.dispatchNow()).extracting(Waiting::id).containsExactly("alice-0", "bob-0", "alice-1");
        assertThat(plan.places().get("bob-0").position()).isEqualTo(2);
    }

    @Test
    void aUserAloneMayFillThePool() {
        List<Waiting> waiting = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            waiting.add(waiting("alice-" + i, "alice", 100 - i, GPU, Duration.ofMinutes(30)));
        }
        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, List.of(), waiting, 0.5);
        assertThat(plan.dispatchNow()).hasSize(8);
        assertThat(plan.places().get("alice-8")).isEqualTo(new Place(POOL, 9, NOW.plus(Duration.ofMinutes(30))));
    }

    @Test
    void theNextRunIsNotOvertakenByASmallerOneThatWouldFit() {
        List<Holding> holding = List.of(new Holding("big-running", "carol", POOL, gpus(4), NOW.plusSeconds(600)));
        List<Waiting> waiting = List.of(waiting("alice-8", "alice", 60, gpus(8), Duration.ofHours(1)),
                waiting("bob-1", "bob", 30, GPU, Duration.ofHours(1)));
        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, holding, waiting, 1.0);
        assertThat(plan.dispatchNow()).isEmpty();
        assertThat(plan.places().get("alice-8")).isEqualTo(new Place(POOL, 1, NOW.plusSeconds(600)));
        assertThat(plan.places().get("bob-1")).isEqualTo(new Place(POOL, 2, NOW.plusSeconds(600 + 3600)));
    }

    @Test
    void aRunThatCouldNeverFitWaitsLastWithoutAnEstimateAndBlocksNobody() {
        List<Waiting> waiting = List.of(waiting("huge", "alice", 60, gpus(16), Duration.ofHours(1)),
                waiting("small", "bob", 30, GPU, Duration.ofHours(1)));
        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, List.of(), waiting, 0.5);
        assertThat(plan.dispatchNow()).extracting(Waiting::id).containsExactly("small");
        assertThat(plan.places().get("huge")).isEqualTo(new Place(POOL, 2, null));
    }

    @Test
    void theBoundAcrossPoolsHoldsEveryPoolBack() {
        Capacities quota = new Capacities(Map.of(POOL, new Amount(96_000, 688_128, 8, 100), Pools.CPU,
                new Amount(64_000, 262_144, 0, 100)), new Amount(Amount.UNBOUNDED, Amount.UNBOUNDED, 8, 3), true);
        List<Waiting> waiting = List.of(waiting("gpu-1", "alice", 60, GPU, Duration.ofHours(1)),
                new Waiting("cpu-1", "alice", Pools.CPU, new Amount(4_000, 16_384, 0, 1), NOW.minusSeconds(50),
                        Duration.ofMinutes(5)),
                new Waiting("cpu-2", "bob", Pools.CPU, new Amount(4_000, 16_384, 0, 1), NOW.minusSeconds(40),
                        Duration.ofMinutes(5)),
                new Waiting("cpu-3", "bob", Pools.CPU, new Amount(4_000, 16_384, 0, 1), NOW.minusSeconds(30),
                        Duration.ofMinutes(5)));
        Plan plan = FairQueue.plan(NOW, quota, List.of(), waiting, 1.0);
        // three pods at most in the namespace: the fourth waits for the first end, five minutes on
        assertThat(plan.dispatchNow()).hasSize(3);
        assertThat(plan.places().get("cpu-3").estimatedStartAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    }

    @Test
    void nothingWaitsWhenEverythingFits() {
        Plan plan = FairQueue.plan(NOW, EIGHT_GPUS, List.of(), List.of(waiting("a", "alice", 1, GPU,
                Duration.ofHours(1))), 0.5);
        assertThat(plan.dispatchNow()).extracting(Waiting::id).containsExactly("a");
        assertThat(plan.places().get("a")).isEqualTo(new Place(POOL, 1, NOW));
    }
}
