package io.hyperai.execution;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where an execution stands. QUEUED covers admitted-but-not-running (including waiting for GPU
 * capacity); the three end states are final: nothing observed later changes them.
 */
public enum ExecutionState {
    QUEUED, RUNNING, SUCCEEDED, FAILED, STOPPED;

    public static final Set<ExecutionState> ACTIVE = EnumSet.of(QUEUED, RUNNING);

    public boolean isTerminal() {
        return !ACTIVE.contains(this);
    }

    /** Only forward moves: QUEUED → RUNNING → an end state, or QUEUED straight to an end state. */
    public boolean canMoveTo(ExecutionState next) {
        return !isTerminal() && next != this && (next != QUEUED) && !(this == RUNNING && next == QUEUED);
    }
}
