package io.hyperai.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.stream.IntStream;

import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromOneSecondUpToThirty() {
        assertThat(IntStream.rangeClosed(1, 8).mapToObj(Backoff.DEFAULT::delay).map(Duration::toSeconds))
                .containsExactly(1L, 2L, 4L, 8L, 16L, 30L, 30L, 30L);
    }

    @Test
    void aLongRunOfExitsStaysAtTheCap() {
        assertThat(Backoff.DEFAULT.delay(63)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.DEFAULT.delay(64)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.DEFAULT.delay(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(30));
        assertThat(Backoff.DEFAULT.delay(0)).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aDoublingThatLandsOnTheCapIsTheCap() {
        Backoff b = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(2));
        assertThat(IntStream.rangeClosed(1, 5).mapToObj(b::delay).map(Duration::toMillis))
                .containsExactly(250L, 500L, 1000L, 2000L, 2000L);
    }
}
