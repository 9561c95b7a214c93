package io.hyperai.execution.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

import io.hyperai.execution.ExecutionState;
import io.hyperai.execution.runtime.PodObservation;

/** Which observations change an execution: the rule the locked reconciliation and the periodic pass share. */
class ObservationChangesTest {

    private static PodObservation seen(ExecutionState state, String reason) {
        return new PodObservation(state, reason, null, null, null, Instant.now());
    }

    @Test
    void anEndedExecutionNeverChanges() {
        for (ExecutionState ended : new ExecutionState[] { ExecutionState.SUCCEEDED, ExecutionState.FAILED,
                ExecutionState.STOPPED }) {
            for (ExecutionState observed : ExecutionState.values()) {
                assertThat(ExecutionStateService.changes(ended, null, seen(observed, "Unschedulable")))
                        .as("%s seen as %s", ended, observed).isFalse();
            }
        }
    }

    @Test
    void anActiveExecutionMovesForwardOnly() {
        ExecutionState q = ExecutionState.QUEUED, s = ExecutionState.STARTING, r = ExecutionState.RUNNING;
        assertThat(ExecutionStateService.changes(q, null, seen(s, null))).isTrue();
        assertThat(ExecutionStateService.changes(q, null, seen(r, null))).isTrue();
        assertThat(ExecutionStateService.changes(s, null, seen(r, null))).isTrue();
        assertThat(ExecutionStateService.changes(s, null, seen(s, null))).isFalse();
        assertThat(ExecutionStateService.changes(s, null, seen(q, "Unschedulable"))).isFalse();
        assertThat(ExecutionStateService.changes(r, null, seen(r, null))).isFalse();
        assertThat(ExecutionStateService.changes(r, null, seen(s, null))).isFalse();
        assertThat(ExecutionStateService.changes(r, null, seen(q, "Unschedulable"))).isFalse();
        for (ExecutionState active : ExecutionState.ACTIVE) {
            for (ExecutionState end : new ExecutionState[] { ExecutionState.SUCCEEDED, ExecutionState.FAILED,
                    ExecutionState.STOPPED }) {
                assertThat(ExecutionStateService.changes(active, null, seen(end, null))).as("%s seen %s", active, end)
                        .isTrue();
            }
        }
    }

    @Test
    void aQueuedExecutionTakesANewReasonOnly() {
        ExecutionState q = ExecutionState.QUEUED;
        assertThat(ExecutionStateService.changes(q, null, seen(q, "Unschedulable"))).isTrue();
        assertThat(ExecutionStateService.changes(q, "Quota", seen(q, "Unschedulable"))).isTrue();
        assertThat(ExecutionStateService.changes(q, "Unschedulable", seen(q, "Unschedulable"))).isFalse();
        assertThat(ExecutionStateService.changes(q, "Unschedulable", seen(q, null))).isFalse();
    }
}
