package io.hyperai.execution.capacity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;

import org.junit.jupiter.api.Test;

/** A pool the quota refused is held back, longer after each refusal in a row, and let go when room appears. */
class PoolHoldsTest {

    private Instant now = Instant.parse("2026-12-04T10:00:00Z");
    private final Clock clock = new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneId.of("UTC");
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    };
    private final PoolHolds holds = new PoolHolds(Duration.ofSeconds(4), Duration.ofSeconds(20), clock);

    @Test
    void eachRefusalInARowDoublesTheHoldUpToTheLongest() {
        assertThat(holds.held("a100-80g")).isFalse();
        assertThat(holds.refused("a100-80g")).isEqualTo(now.plusSeconds(4));
        assertThat(holds.held("a100-80g")).isTrue();
        assertThat(holds.held("cpu")).as("other pools are not held").isFalse();

        now = now.plusSeconds(4);
        assertThat(holds.held("a100-80g")).as("free to try once the hold has passed").isFalse();
        assertThat(holds.refused("a100-80g")).isEqualTo(now.plusSeconds(8));
        assertThat(holds.refused("a100-80g")).isEqualTo(now.plusSeconds(16));
        assertThat(holds.refused("a100-80g")).as("never longer than the longest").isEqualTo(now.plusSeconds(20));
        assertThat(holds.refused("a100-80g")).isEqualTo(now.plusSeconds(20));
    }

    @Test
    void anAcceptedPodStartsTheNextRefusalFromTheFirstHold() {
        holds.refused("cpu");
        holds.refused("cpu");
        holds.accepted("cpu");
        assertThat(holds.held("cpu")).isFalse();
        assertThat(holds.refused("cpu")).isEqualTo(now.plusSeconds(4));
    }

    @Test
    void anEndFreesEveryPool() {
        holds.refused("cpu");
        holds.refused("a100-80g");
        holds.freed();
        assertThat(holds.held("cpu")).isFalse();
        assertThat(holds.held("a100-80g")).isFalse();
        assertThat(holds.refused("a100-80g")).isEqualTo(now.plusSeconds(4));
    }
}
