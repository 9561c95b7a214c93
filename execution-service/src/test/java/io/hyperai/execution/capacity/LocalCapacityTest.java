package io.hyperai.execution.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;

import org.junit.jupiter.api.Test;

import io.hyperai.execution.config.ExecutionConfig;
import io.hyperai.execution.runtime.Launch;

/** This machine's pools: slots for every run, GPU pools only for the GPUs it is configured to have. */
class LocalCapacityTest {

    static ExecutionConfig.Queue config(OptionalInt slots, Map<String, Integer> gpus) {
        return new ExecutionConfig.Queue() {
            public double maxShare() {
                return 0.5;
            }

            public String dispatchInterval() {
                return "2s";
            }

            public Duration expectedScriptRuntime() {
                return Duration.ofHours(1);
            }

            public Duration expectedWorkspaceRuntime() {
                return Duration.ofHours(4);
            }

            public Duration history() {
                return Duration.ofDays(30);
            }

            public OptionalInt localSlots() {
                return slots;
            }

            public Map<String, Integer> localGpus() {
                return gpus;
            }

            public Duration capacityRefresh() {
                return Duration.ofSeconds(10);
            }

            public Duration refusalHold() {
                return Duration.ofSeconds(4);
            }

            public Duration refusalHoldLongest() {
                return Duration.ofMinutes(2);
            }
        };
    }

    static final Launch.Resources H100_8 = new Launch.Resources(96, 983_040, 2000, 8, "H100-80G");
    static final Launch.Resources CPU_16 = new Launch.Resources(16, 65_536, 200, 0, null);

    @Test
    void withoutGpusAGpuSpecCouldNeverRunAndAnyCpuSpecCouldWhateverItsSize() {
        Capacities c = new LocalCapacity(config(OptionalInt.of(3), Map.of())).current();
        assertThat(c.couldEverFit(Pools.of(H100_8), Amount.of(H100_8))).isFalse();
        // limits are enforced per run by the kernel, not reserved: a 16-core spec takes one slot of a small machine
        assertThat(c.couldEverFit(Pools.CPU, Amount.of(CPU_16))).isTrue();
        assertThat(c.pool(Pools.CPU).slots()).isEqualTo(3);
        assertThat(c.overall().slots()).isEqualTo(3);
    }

    @Test
    void configuredGpusMakeTheirPool() {
        Capacities c = new LocalCapacity(config(OptionalInt.empty(), Map.of("H100-80G", 8))).current();
        assertThat(c.couldEverFit("h100-80g", Amount.of(H100_8))).isTrue();
        assertThat(c.pool("h100-80g").gpus()).isEqualTo(8);
        // slots from the host: four per core, at most one per GiB, at least one
        long cores = Runtime.getRuntime().availableProcessors();
        assertThat(c.overall().slots()).isBetween(1L, cores * 4);
    }

    @Test
    void slotsAreSharedByEveryPool() {
        Capacities c = new LocalCapacity(config(OptionalInt.of(2), Map.of("a100-80g", 4))).current();
        Launch.Resources a100 = new Launch.Resources(12, 86_016, 100, 1, "A100-80G");
        FairQueue.Plan plan = FairQueue.plan(FairQueueTest.NOW, c, java.util.List.of(), java.util.List.of(
                new FairQueue.Waiting("gpu", "alice", "a100-80g", Amount.of(a100), FairQueueTest.NOW, Duration.ofHours(1)),
                new FairQueue.Waiting("cpu-1", "bob", Pools.CPU, Amount.of(CPU_16), FairQueueTest.NOW.plusSeconds(1),
                        Duration.ofMinutes(10)),
                new FairQueue.Waiting("cpu-2", "bob", Pools.CPU, Amount.of(CPU_16), FairQueueTest.NOW.plusSeconds(2),
                        Duration.ofMinutes(10))), 0.5);
        assertThat(plan.dispatchNow()).extracting(FairQueue.Waiting::id).containsExactlyInAnyOrder("gpu", "cpu-1");
        assertThat(plan.places().get("cpu-2").estimatedStartAt()).isEqualTo(FairQueueTest.NOW.plus(Duration.ofMinutes(10)));
    }
}
